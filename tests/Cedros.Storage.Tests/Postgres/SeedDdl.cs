namespace Cedros.Storage.Tests.Postgres;

/// <summary>The seed's DDL (../shared/seed/storage-layer.md), verbatim: what an existing deployment's database looks like.</summary>
internal static class SeedDdl
{
    public const string Sql = """
        CREATE TABLE stripe_sessions (
            id TEXT PRIMARY KEY,
            tenant_id TEXT DEFAULT 'default',
            resource_id TEXT,
            status TEXT,  -- pending, completed, expired
            amount_cents BIGINT,
            currency TEXT,
            customer_email TEXT,
            metadata JSONB,
            created_at TIMESTAMP,
            completed_at TIMESTAMP
        );

        CREATE INDEX idx_stripe_sessions_tenant_resource ON stripe_sessions(tenant_id, resource_id);
        CREATE INDEX idx_stripe_sessions_tenant_status ON stripe_sessions(tenant_id, status);

        CREATE TABLE payment_transactions (
            signature TEXT PRIMARY KEY,
            tenant_id TEXT,
            resource_id TEXT,
            wallet TEXT,
            amount BIGINT,
            amount_asset TEXT,
            created_at TIMESTAMP,
            metadata JSONB
        );

        CREATE INDEX idx_payment_transactions_tenant ON payment_transactions(tenant_id);
        CREATE INDEX idx_payment_transactions_tenant_resource ON payment_transactions(tenant_id, resource_id);
        CREATE INDEX idx_payment_transactions_tenant_wallet ON payment_transactions(tenant_id, wallet);
        CREATE INDEX idx_payment_transactions_tenant_created ON payment_transactions(tenant_id, created_at);

        CREATE TABLE cart_quotes (
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

        CREATE INDEX idx_cart_quotes_tenant ON cart_quotes(tenant_id);
        CREATE INDEX idx_cart_quotes_tenant_expires ON cart_quotes(tenant_id, expires_at);

        CREATE TABLE refund_quotes (
            id TEXT PRIMARY KEY,
            tenant_id TEXT,
            original_purchase_id TEXT,
            recipient_wallet TEXT,
            amount BIGINT,
            amount_asset TEXT,
            token TEXT,
            token_mint TEXT,
            token_decimals SMALLINT,
            status TEXT,  -- pending, approved, denied, processed
            processed_by TEXT,
            processed_at TIMESTAMP,
            signature TEXT,
            reason TEXT,
            metadata JSONB,
            created_at TIMESTAMP,
            expires_at TIMESTAMP
        );

        CREATE INDEX idx_refund_quotes_tenant ON refund_quotes(tenant_id);
        CREATE INDEX idx_refund_quotes_tenant_expires ON refund_quotes(tenant_id, expires_at);
        CREATE INDEX idx_refund_quotes_tenant_original ON refund_quotes(tenant_id, original_purchase_id);

        CREATE TABLE orders (
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

        CREATE UNIQUE INDEX orders_tenant_source_purchase_uidx
            ON orders (tenant_id, source, purchase_id);

        CREATE INDEX orders_tenant_created_at_idx
            ON orders (tenant_id, created_at DESC);

        CREATE TABLE order_history (
            id TEXT PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            order_id TEXT NOT NULL,
            from_status TEXT NOT NULL,
            to_status TEXT NOT NULL,
            note TEXT,
            actor TEXT,
            created_at TIMESTAMPTZ NOT NULL
        );

        CREATE INDEX order_history_tenant_order_idx
            ON order_history (tenant_id, order_id, created_at DESC);

        CREATE TABLE fulfillments (
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

        CREATE INDEX fulfillments_tenant_order_idx
            ON fulfillments (tenant_id, order_id, created_at DESC);

        CREATE TABLE inventory_reservations (
            id TEXT PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            product_id TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            expires_at TIMESTAMPTZ NOT NULL,
            cart_id TEXT,
            status TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        );

        CREATE INDEX inventory_reservations_tenant_product_idx
            ON inventory_reservations (tenant_id, product_id, created_at DESC);
        CREATE INDEX inventory_reservations_tenant_cart_idx
            ON inventory_reservations (tenant_id, cart_id, created_at DESC);

        CREATE TABLE admin_nonces (
            id TEXT PRIMARY KEY,
            tenant_id TEXT NOT NULL DEFAULT 'default',
            purpose TEXT NOT NULL,        -- Action type (e.g., "list-pending-refunds", "approve-refund")
            created_at TIMESTAMP NOT NULL,
            expires_at TIMESTAMP NOT NULL,
            consumed_at TIMESTAMP
        );

        CREATE INDEX idx_admin_nonces_tenant ON admin_nonces(tenant_id);
        CREATE INDEX idx_admin_nonces_tenant_expires ON admin_nonces(tenant_id, expires_at);

        CREATE TABLE webhook_queue (
            id TEXT PRIMARY KEY,
            url TEXT,
            payload JSONB,
            headers JSONB,
            event_type TEXT,
            status TEXT,  -- pending, processing, success, failed
            attempts INTEGER,
            max_attempts INTEGER,
            last_error TEXT,
            last_attempt_at TIMESTAMP,
            next_attempt_at TIMESTAMP,
            created_at TIMESTAMP,
            completed_at TIMESTAMP
        );

        CREATE INDEX idx_webhook_queue_status ON webhook_queue(status) WHERE status = 'pending';
        CREATE INDEX idx_webhook_queue_created ON webhook_queue(created_at);
        CREATE INDEX idx_webhook_queue_completed ON webhook_queue(completed_at);

        CREATE TABLE products (
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

        CREATE INDEX idx_products_tenant ON products(tenant_id);
        CREATE INDEX idx_products_tenant_active ON products(tenant_id, active);
        CREATE INDEX idx_products_tenant_stripe ON products(tenant_id, stripe_price_id);

        CREATE TABLE coupons (
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

        CREATE INDEX idx_coupons_active ON coupons(active);
        CREATE INDEX idx_coupons_auto_apply ON coupons(auto_apply) WHERE auto_apply = true;
        CREATE INDEX idx_coupons_expires ON coupons(expires_at);
        CREATE INDEX idx_coupons_product_ids ON coupons USING GIN (product_ids);

        CREATE TABLE subscriptions (
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

        CREATE INDEX idx_subscriptions_wallet_product ON subscriptions(wallet, product_id);
        CREATE INDEX idx_subscriptions_stripe_customer ON subscriptions(stripe_customer_id);
        CREATE INDEX idx_subscriptions_status ON subscriptions(status);
        CREATE INDEX idx_subscriptions_period_end ON subscriptions(current_period_end);
        """;
}
