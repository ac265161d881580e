-- Cedros.Storage SQLite schema, version 1: the seed's tables, columns and indexes in SQLite's types.
-- Placeholders (Schema/SqlTemplate.cs): an entity key in double square brackets is the validated, quoted table name
-- from the schema mapping; with |pattern after the key it is an index name derived from it (% = the table name). Timestamps are INTEGER microseconds since the Unix epoch (UTC), so they
-- sort and compare exactly; JSON documents are TEXT; booleans are INTEGER 0/1.

CREATE TABLE IF NOT EXISTS [[sessions]] (
    tenant_id TEXT NOT NULL DEFAULT 'default',
    id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    status TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    currency TEXT NOT NULL,
    customer_email TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    completed_at INTEGER,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS [[sessions|idx_%_tenant_resource]] ON [[sessions]] (tenant_id, resource_id, created_at DESC);
CREATE INDEX IF NOT EXISTS [[sessions|idx_%_tenant_status]] ON [[sessions]] (tenant_id, status, created_at);

CREATE TABLE IF NOT EXISTS [[payments]] (
    signature TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL DEFAULT 'default',
    resource_id TEXT NOT NULL,
    wallet TEXT NOT NULL,
    amount INTEGER NOT NULL,
    amount_asset TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS [[payments|idx_%_tenant]] ON [[payments]] (tenant_id);
CREATE INDEX IF NOT EXISTS [[payments|idx_%_tenant_resource]] ON [[payments]] (tenant_id, resource_id);
CREATE INDEX IF NOT EXISTS [[payments|idx_%_tenant_wallet]] ON [[payments]] (tenant_id, wallet);
CREATE INDEX IF NOT EXISTS [[payments|idx_%_tenant_created]] ON [[payments]] (tenant_id, created_at);
CREATE INDEX IF NOT EXISTS [[payments|idx_%_created]] ON [[payments]] (created_at);

CREATE TABLE IF NOT EXISTS [[cart_quotes]] (
    tenant_id TEXT NOT NULL DEFAULT 'default',
    id TEXT NOT NULL,
    items TEXT NOT NULL DEFAULT '[]',
    total_amount INTEGER NOT NULL,
    total_asset TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    wallet_paid_by TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS [[cart_quotes|idx_%_tenant]] ON [[cart_quotes]] (tenant_id);
CREATE INDEX IF NOT EXISTS [[cart_quotes|idx_%_tenant_expires]] ON [[cart_quotes]] (tenant_id, expires_at);

CREATE TABLE IF NOT EXISTS [[refund_quotes]] (
    tenant_id TEXT NOT NULL DEFAULT 'default',
    id TEXT NOT NULL,
    original_purchase_id TEXT NOT NULL,
    recipient_wallet TEXT NOT NULL,
    amount INTEGER NOT NULL,
    amount_asset TEXT NOT NULL,
    token TEXT,
    token_mint TEXT,
    token_decimals INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    processed_by TEXT,
    processed_at INTEGER,
    signature TEXT,
    reason TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    payout_claim_token TEXT,
    payout_claim_until INTEGER,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS [[refund_quotes|idx_%_tenant]] ON [[refund_quotes]] (tenant_id);
CREATE INDEX IF NOT EXISTS [[refund_quotes|idx_%_tenant_expires]] ON [[refund_quotes]] (tenant_id, expires_at);
CREATE INDEX IF NOT EXISTS [[refund_quotes|idx_%_tenant_original]] ON [[refund_quotes]] (tenant_id, original_purchase_id, created_at DESC);
CREATE INDEX IF NOT EXISTS [[refund_quotes|idx_%_tenant_status]] ON [[refund_quotes]] (tenant_id, status, created_at);

CREATE TABLE IF NOT EXISTS [[orders]] (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    source TEXT NOT NULL,
    purchase_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    user_id TEXT,
    customer TEXT,
    status TEXT NOT NULL,
    items TEXT NOT NULL,
    amount INTEGER NOT NULL,
    amount_asset TEXT NOT NULL,
    customer_email TEXT,
    shipping TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER,
    status_updated_at INTEGER,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS [[orders|%_tenant_source_purchase_uidx]] ON [[orders]] (tenant_id, source, purchase_id);
CREATE INDEX IF NOT EXISTS [[orders|%_tenant_created_at_idx]] ON [[orders]] (tenant_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS [[orders|%_tenant_status_created_idx]] ON [[orders]] (tenant_id, status, created_at DESC, id DESC);

CREATE TABLE IF NOT EXISTS [[order_history]] (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    note TEXT,
    actor TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS [[order_history|%_tenant_order_idx]] ON [[order_history]] (tenant_id, order_id, created_at DESC);

CREATE TABLE IF NOT EXISTS [[fulfillments]] (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    status TEXT NOT NULL,
    carrier TEXT,
    tracking_number TEXT,
    tracking_url TEXT,
    items TEXT NOT NULL,
    shipped_at INTEGER,
    delivered_at INTEGER,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS [[fulfillments|%_tenant_order_idx]] ON [[fulfillments]] (tenant_id, order_id, created_at DESC);

CREATE TABLE IF NOT EXISTS [[inventory_reservations]] (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    variant_id TEXT,
    quantity INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    cart_id TEXT,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    status_updated_at INTEGER,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS [[inventory_reservations|%_tenant_product_idx]] ON [[inventory_reservations]] (tenant_id, product_id, created_at DESC);
CREATE INDEX IF NOT EXISTS [[inventory_reservations|%_tenant_cart_idx]] ON [[inventory_reservations]] (tenant_id, cart_id, created_at DESC);
CREATE INDEX IF NOT EXISTS [[inventory_reservations|%_stock_idx]] ON [[inventory_reservations]] (tenant_id, product_id, variant_id, status, expires_at);
CREATE INDEX IF NOT EXISTS [[inventory_reservations|%_status_expires_idx]] ON [[inventory_reservations]] (status, expires_at);

CREATE TABLE IF NOT EXISTS [[admin_nonces]] (
    tenant_id TEXT NOT NULL DEFAULT 'default',
    id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    consumed_at INTEGER,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS [[admin_nonces|idx_%_tenant]] ON [[admin_nonces]] (tenant_id);
CREATE INDEX IF NOT EXISTS [[admin_nonces|idx_%_tenant_expires]] ON [[admin_nonces]] (tenant_id, expires_at);
CREATE INDEX IF NOT EXISTS [[admin_nonces|idx_%_expires]] ON [[admin_nonces]] (expires_at);

CREATE TABLE IF NOT EXISTS [[webhook_queue]] (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL DEFAULT 'default',
    url TEXT NOT NULL,
    payload TEXT NOT NULL,
    headers TEXT NOT NULL DEFAULT '{}',
    event_type TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5,
    last_error TEXT,
    last_attempt_at INTEGER,
    next_attempt_at INTEGER,
    created_at INTEGER,
    completed_at INTEGER,
    locked_until INTEGER,
    claim_token TEXT
);
CREATE INDEX IF NOT EXISTS [[webhook_queue|idx_%_status]] ON [[webhook_queue]] (status) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS [[webhook_queue|idx_%_created]] ON [[webhook_queue]] (created_at);
CREATE INDEX IF NOT EXISTS [[webhook_queue|idx_%_completed]] ON [[webhook_queue]] (completed_at);
CREATE INDEX IF NOT EXISTS [[webhook_queue|idx_%_ready]] ON [[webhook_queue]] (status, next_attempt_at, id);
CREATE INDEX IF NOT EXISTS [[webhook_queue|idx_%_lease]] ON [[webhook_queue]] (status, locked_until);
CREATE INDEX IF NOT EXISTS [[webhook_queue|idx_%_tenant_created]] ON [[webhook_queue]] (tenant_id, created_at DESC);

CREATE TABLE IF NOT EXISTS [[products]] (
    tenant_id TEXT NOT NULL DEFAULT 'default',
    id TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    fiat_amount INTEGER,
    fiat_currency TEXT,
    stripe_price_id TEXT,
    crypto_amount INTEGER,
    crypto_token TEXT,
    crypto_account TEXT,
    memo_template TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    active INTEGER NOT NULL DEFAULT 1,
    subscription_config TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS [[products|idx_%_tenant]] ON [[products]] (tenant_id);
CREATE INDEX IF NOT EXISTS [[products|idx_%_tenant_active]] ON [[products]] (tenant_id, active);
CREATE INDEX IF NOT EXISTS [[products|idx_%_tenant_stripe]] ON [[products]] (tenant_id, stripe_price_id);

CREATE TABLE IF NOT EXISTS [[coupons]] (
    tenant_id TEXT NOT NULL DEFAULT 'default',
    code TEXT NOT NULL COLLATE NOCASE,
    discount_type TEXT NOT NULL,
    discount_value REAL NOT NULL,
    currency TEXT,
    scope TEXT NOT NULL,
    product_ids TEXT NOT NULL DEFAULT '[]',
    payment_method TEXT NOT NULL DEFAULT '',
    auto_apply INTEGER NOT NULL DEFAULT 0,
    applies_at TEXT,
    usage_limit INTEGER,
    usage_count INTEGER NOT NULL DEFAULT 0,
    starts_at INTEGER,
    expires_at INTEGER,
    active INTEGER NOT NULL DEFAULT 1,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, code)
);
CREATE INDEX IF NOT EXISTS [[coupons|idx_%_active]] ON [[coupons]] (active);
CREATE INDEX IF NOT EXISTS [[coupons|idx_%_auto_apply]] ON [[coupons]] (auto_apply) WHERE auto_apply = 1;
CREATE INDEX IF NOT EXISTS [[coupons|idx_%_expires]] ON [[coupons]] (expires_at);
CREATE INDEX IF NOT EXISTS [[coupons|idx_%_tenant_auto_apply]] ON [[coupons]] (tenant_id, auto_apply, active);

CREATE TABLE IF NOT EXISTS [[subscriptions]] (
    tenant_id TEXT NOT NULL DEFAULT 'default',
    id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    wallet TEXT,
    stripe_customer_id TEXT,
    stripe_subscription_id TEXT,
    payment_method TEXT NOT NULL DEFAULT '',
    billing_period TEXT NOT NULL,
    billing_interval INTEGER NOT NULL,
    status TEXT NOT NULL,
    current_period_start INTEGER NOT NULL,
    current_period_end INTEGER NOT NULL,
    trial_end INTEGER,
    cancelled_at INTEGER,
    cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS [[subscriptions|idx_%_stripe_subscription]] ON [[subscriptions]] (tenant_id, stripe_subscription_id);
CREATE INDEX IF NOT EXISTS [[subscriptions|idx_%_wallet_product]] ON [[subscriptions]] (wallet, product_id);
CREATE INDEX IF NOT EXISTS [[subscriptions|idx_%_stripe_customer]] ON [[subscriptions]] (stripe_customer_id);
CREATE INDEX IF NOT EXISTS [[subscriptions|idx_%_status]] ON [[subscriptions]] (status);
CREATE INDEX IF NOT EXISTS [[subscriptions|idx_%_period_end]] ON [[subscriptions]] (current_period_end);
CREATE INDEX IF NOT EXISTS [[subscriptions|idx_%_tenant_product]] ON [[subscriptions]] (tenant_id, product_id, created_at DESC);

CREATE TABLE IF NOT EXISTS [[idempotency_keys]] (
    tenant_id TEXT NOT NULL DEFAULT 'default',
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL DEFAULT '',
    lock_token TEXT,
    locked_until INTEGER,
    status_code INTEGER,
    headers TEXT,
    body BLOB,
    cached_at INTEGER,
    expires_at INTEGER,
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX IF NOT EXISTS [[idempotency_keys|idx_%_expires]] ON [[idempotency_keys]] (expires_at);
CREATE INDEX IF NOT EXISTS [[idempotency_keys|idx_%_locked_until]] ON [[idempotency_keys]] (locked_until);
