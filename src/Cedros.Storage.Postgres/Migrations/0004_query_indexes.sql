-- An index for every query the contract makes that the seed's indexes do not serve.

-- Order search: case-insensitive literal substring (ILIKE) over five columns, fast at a million orders.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS [[orders|%_search_trgm_idx]] ON [[orders]] USING GIN
    (id gin_trgm_ops, purchase_id gin_trgm_ops, resource_id gin_trgm_ops, customer gin_trgm_ops, customer_email gin_trgm_ops);
CREATE INDEX IF NOT EXISTS [[orders|%_tenant_status_created_idx]] ON [[orders]] (tenant_id, status, created_at DESC);

-- Refunds: pending list and by purchase, newest first.
CREATE INDEX IF NOT EXISTS [[refund_quotes|idx_%_tenant_status_created]] ON [[refund_quotes]] (tenant_id, status, created_at);
CREATE INDEX IF NOT EXISTS [[refund_quotes|idx_%_tenant_original_created]] ON [[refund_quotes]] (tenant_id, original_purchase_id, created_at DESC);

-- Stock counting per (product, variant) and expiry cleanup of active reservations.
CREATE INDEX IF NOT EXISTS [[inventory_reservations|%_active_stock_idx]] ON [[inventory_reservations]] (tenant_id, product_id, variant_id)
    WHERE status = 'active';
CREATE INDEX IF NOT EXISTS [[inventory_reservations|%_active_expires_idx]] ON [[inventory_reservations]] (expires_at)
    WHERE status = 'active';

-- Payment archival sweeps by age across tenants.
CREATE INDEX IF NOT EXISTS [[payments|idx_%_created]] ON [[payments]] (created_at);

-- Nonce cleanup across tenants.
CREATE INDEX IF NOT EXISTS [[admin_nonces|idx_%_expires]] ON [[admin_nonces]] (expires_at);

-- Webhook claims: ready pending rows and lapsed leases, oldest next_attempt_at first; tenant listings.
CREATE INDEX IF NOT EXISTS [[webhook_queue|idx_%_ready]] ON [[webhook_queue]] (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS [[webhook_queue|idx_%_leases]] ON [[webhook_queue]] (locked_until) WHERE status = 'processing';
CREATE INDEX IF NOT EXISTS [[webhook_queue|idx_%_tenant_created]] ON [[webhook_queue]] (tenant_id, created_at DESC);

-- Stripe sessions by resource, newest first; expiry sweep.
CREATE INDEX IF NOT EXISTS [[sessions|idx_%_tenant_resource_created]] ON [[sessions]] (tenant_id, resource_id, created_at DESC);
CREATE INDEX IF NOT EXISTS [[sessions|idx_%_tenant_pending_created]] ON [[sessions]] (tenant_id, created_at) WHERE status = 'pending';

-- Subscriptions per tenant.
CREATE INDEX IF NOT EXISTS [[subscriptions|idx_%_tenant_wallet_product]] ON [[subscriptions]] (tenant_id, wallet, product_id);
CREATE INDEX IF NOT EXISTS [[subscriptions|idx_%_tenant_customer]] ON [[subscriptions]] (tenant_id, stripe_customer_id);
CREATE INDEX IF NOT EXISTS [[subscriptions|idx_%_tenant_product]] ON [[subscriptions]] (tenant_id, product_id, created_at DESC);
CREATE INDEX IF NOT EXISTS [[subscriptions|idx_%_tenant_period_end]] ON [[subscriptions]] (tenant_id, current_period_end);

-- Idempotency cleanup is served by live_until; completed webhooks by completed_at (seed).
