-- The seed's schema (../shared/seed/storage-layer.md), every table, column and index, made idempotent so that a
-- database created by running the seed's DDL verbatim is adopted as it is. Double-bracketed tokens are replaced by the
-- mapped, quoted table names and by index names derived from them (the default mapping gives the seed's index names).

CREATE TABLE IF NOT EXISTS [[sessions]] (
    id TEXT PRIMARY KEY,
    tenant_id TEXT DEFAULT 'default',
    resource_id TEXT,
    status TEXT,
    amount_cents BIGINT,
    currency TEXT,
    customer_email TEXT,
    metadata JSONB,
    created_at TIMESTAMP,
    completed_at TIMESTAMP
);
CREATE INDEX IF NOT EXISTS [[sessions|idx_%_tenant_resource]] ON [[sessions]] (tenant_id, resource_id);
CREATE INDEX IF NOT EXISTS [[sessions|idx_%_tenant_status]] ON [[sessions]] (tenant_id, status);

CREATE TABLE IF NOT EXISTS [[payments]] (
    signature TEXT PRIMARY KEY,
    tenant_id TEXT,
    resource_id TEXT,
    wallet TEXT,
    amount BIGINT,
    amount_asset TEXT,
    created_at TIMESTAMP,
    metadata JSONB
);
CREATE INDEX IF NOT EXISTS [[payments|idx_%_tenant]] ON [[payments]] (tenant_id);
CREATE INDEX IF NOT EXISTS [[payments|idx_%_tenant_resource]] ON [[payments]] (tenant_id, resource_id);
CREATE INDEX IF NOT EXISTS [[payments|idx_%_tenant_wallet]] ON [[payments]] (tenant_id, wallet);
CREATE INDEX IF NOT EXISTS [[payments|idx_%_tenant_created]] ON [[payments]] (tenant_id, created_at);

CREATE TABLE IF NOT EXISTS [[cart_quotes]] (
    id TEXT PRIMARY KEY,
    tenant_id TEXT,
    items JSONB,
    total_amount BIGINT,
    total_asset TEXT,
    metadata JSONB,
    created_at TIMESTAMP,
    expires_at TIMESTAMP,
    wallet_paid_by TEXT
);
CREATE INDEX IF NOT EXISTS [[cart_quotes|idx_%_tenant]] ON [[cart_quotes]] (tenant_id);
CREATE INDEX IF NOT EXISTS [[cart_quotes|idx_%_tenant_expires]] ON [[cart_quotes]] (tenant_id, expires_at);

CREATE TABLE IF NOT EXISTS [[refund_quotes]] (
    id TEXT PRIMARY KEY,
    tenant_id TEXT,
    original_purchase_id TEXT,
    recipient_wallet TEXT,
    amount BIGINT,
    amount_asset TEXT,
    token TEXT,
    token_mint TEXT,
    token_decimals SMALLINT,
    status TEXT,
    processed_by TEXT,
    processed_at TIMESTAMP,
    signature TEXT,
    reason TEXT,
    metadata JSONB,
    created_at TIMESTAMP,
    expires_at TIMESTAMP
);
CREATE INDEX IF NOT EXISTS [[refund_quotes|idx_%_tenant]] ON [[refund_quotes]] (tenant_id);
CREATE INDEX IF NOT EXISTS [[refund_quotes|idx_%_tenant_expires]] ON [[refund_quotes]] (tenant_id, expires_at);
CREATE INDEX IF NOT EXISTS [[refund_quotes|idx_%_tenant_original]] ON [[refund_quotes]] (tenant_id, original_purchase_id);

CREATE TABLE IF NOT EXISTS [[orders]] (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    source TEXT NOT NULL,
    purchase_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    user_id TEXT,
    customer TEXT,
    status TEXT NOT NULL,
    items JSONB NOT NULL,
    amount BIGINT NOT NULL,
    amount_asset TEXT NOT NULL,
    customer_email TEXT,
    shipping JSONB,
    metadata JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ,
    status_updated_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX IF NOT EXISTS [[orders|%_tenant_source_purchase_uidx]] ON [[orders]] (tenant_id, source, purchase_id);
CREATE INDEX IF NOT EXISTS [[orders|%_tenant_created_at_idx]] ON [[orders]] (tenant_id, created_at DESC);

CREATE TABLE IF NOT EXISTS [[order_history]] (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    note TEXT,
    actor TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS [[order_history|%_tenant_order_idx]] ON [[order_history]] (tenant_id, order_id, created_at DESC);

CREATE TABLE IF NOT EXISTS [[fulfillments]] (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    status TEXT NOT NULL,
    carrier TEXT,
    tracking_number TEXT,
    tracking_url TEXT,
    items JSONB NOT NULL,
    shipped_at TIMESTAMPTZ,
    delivered_at TIMESTAMPTZ,
    metadata JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS [[fulfillments|%_tenant_order_idx]] ON [[fulfillments]] (tenant_id, order_id, created_at DESC);

CREATE TABLE IF NOT EXISTS [[inventory_reservations]] (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    cart_id TEXT,
    status TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS [[inventory_reservations|%_tenant_product_idx]] ON [[inventory_reservations]] (tenant_id, product_id, created_at DESC);
CREATE INDEX IF NOT EXISTS [[inventory_reservations|%_tenant_cart_idx]] ON [[inventory_reservations]] (tenant_id, cart_id, created_at DESC);

CREATE TABLE IF NOT EXISTS [[admin_nonces]] (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL DEFAULT 'default',
    purpose TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    consumed_at TIMESTAMP
);
CREATE INDEX IF NOT EXISTS [[admin_nonces|idx_%_tenant]] ON [[admin_nonces]] (tenant_id);
CREATE INDEX IF NOT EXISTS [[admin_nonces|idx_%_tenant_expires]] ON [[admin_nonces]] (tenant_id, expires_at);

CREATE TABLE IF NOT EXISTS [[webhook_queue]] (
    id TEXT PRIMARY KEY,
    url TEXT,
    payload JSONB,
    headers JSONB,
    event_type TEXT,
    status TEXT,
    attempts INTEGER,
    max_attempts INTEGER,
    last_error TEXT,
    last_attempt_at TIMESTAMP,
    next_attempt_at TIMESTAMP,
    created_at TIMESTAMP,
    completed_at TIMESTAMP
);
CREATE INDEX IF NOT EXISTS [[webhook_queue|idx_%_status]] ON [[webhook_queue]] (status) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS [[webhook_queue|idx_%_created]] ON [[webhook_queue]] (created_at);
CREATE INDEX IF NOT EXISTS [[webhook_queue|idx_%_completed]] ON [[webhook_queue]] (completed_at);

CREATE TABLE IF NOT EXISTS [[products]] (
    id TEXT PRIMARY KEY,
    tenant_id TEXT,
    description TEXT,
    fiat_amount BIGINT,
    fiat_currency TEXT,
    stripe_price_id TEXT,
    crypto_amount BIGINT,
    crypto_token TEXT,
    crypto_account TEXT,
    memo_template TEXT,
    metadata JSONB,
    active BOOLEAN,
    subscription_config JSONB,
    created_at TIMESTAMP,
    updated_at TIMESTAMP
);
CREATE INDEX IF NOT EXISTS [[products|idx_%_tenant]] ON [[products]] (tenant_id);
CREATE INDEX IF NOT EXISTS [[products|idx_%_tenant_active]] ON [[products]] (tenant_id, active);
CREATE INDEX IF NOT EXISTS [[products|idx_%_tenant_stripe]] ON [[products]] (tenant_id, stripe_price_id);

CREATE TABLE IF NOT EXISTS [[coupons]] (
    code TEXT PRIMARY KEY,
    tenant_id TEXT,
    discount_type TEXT,
    discount_value DOUBLE PRECISION,
    currency TEXT,
    scope TEXT,
    product_ids JSONB,
    payment_method TEXT,
    auto_apply BOOLEAN,
    applies_at TEXT,
    usage_limit INTEGER,
    usage_count INTEGER,
    starts_at TIMESTAMP,
    expires_at TIMESTAMP,
    active BOOLEAN,
    metadata JSONB,
    created_at TIMESTAMP,
    updated_at TIMESTAMP
);
CREATE INDEX IF NOT EXISTS [[coupons|idx_%_active]] ON [[coupons]] (active);
CREATE INDEX IF NOT EXISTS [[coupons|idx_%_auto_apply]] ON [[coupons]] (auto_apply) WHERE auto_apply = true;
CREATE INDEX IF NOT EXISTS [[coupons|idx_%_expires]] ON [[coupons]] (expires_at);
CREATE INDEX IF NOT EXISTS [[coupons|idx_%_product_ids]] ON [[coupons]] USING GIN (product_ids);

CREATE TABLE IF NOT EXISTS [[subscriptions]] (
    id TEXT PRIMARY KEY,
    product_id TEXT,
    wallet TEXT,
    stripe_customer_id TEXT,
    stripe_subscription_id TEXT UNIQUE,
    payment_method TEXT,
    billing_period TEXT,
    billing_interval INTEGER,
    status TEXT,
    current_period_start TIMESTAMPTZ,
    current_period_end TIMESTAMPTZ,
    trial_end TIMESTAMPTZ,
    cancelled_at TIMESTAMPTZ,
    cancel_at_period_end BOOLEAN,
    metadata JSONB,
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS [[subscriptions|idx_%_wallet_product]] ON [[subscriptions]] (wallet, product_id);
CREATE INDEX IF NOT EXISTS [[subscriptions|idx_%_stripe_customer]] ON [[subscriptions]] (stripe_customer_id);
CREATE INDEX IF NOT EXISTS [[subscriptions|idx_%_status]] ON [[subscriptions]] (status);
CREATE INDEX IF NOT EXISTS [[subscriptions|idx_%_period_end]] ON [[subscriptions]] (current_period_end);
