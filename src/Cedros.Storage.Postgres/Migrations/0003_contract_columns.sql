-- Columns and tables the contract adds beyond the seed (docs/schema.md lists each with its reason).

-- §8 webhook lease and claim token; payload_raw keeps the payload byte-exact (JSONB normalises whitespace and key
-- order, receivers verify an HMAC over the exact bytes); payload stays filled for readers of the seed's column.
ALTER TABLE [[webhook_queue]] ADD COLUMN IF NOT EXISTS locked_until TIMESTAMP;
ALTER TABLE [[webhook_queue]] ADD COLUMN IF NOT EXISTS claim_token TEXT;
ALTER TABLE [[webhook_queue]] ADD COLUMN IF NOT EXISTS payload_raw TEXT;

-- §2 refund payout claim.
ALTER TABLE [[refund_quotes]] ADD COLUMN IF NOT EXISTS payout_claim_token TEXT;
ALTER TABLE [[refund_quotes]] ADD COLUMN IF NOT EXISTS payout_claimed_until TIMESTAMP;
ALTER TABLE [[refund_quotes]] ADD COLUMN IF NOT EXISTS payout_claimed_by TEXT;

-- §5 reservation variant and status time.
ALTER TABLE [[inventory_reservations]] ADD COLUMN IF NOT EXISTS variant_id TEXT;
ALTER TABLE [[inventory_reservations]] ADD COLUMN IF NOT EXISTS status_updated_at TIMESTAMPTZ;

-- §9 idempotency keys: a live row is a held lock (status_code NULL, live until locked_until) or a cached response
-- (live until expires_at); live_until is whichever applies, so "absent when expired" is one comparison.
CREATE TABLE IF NOT EXISTS [[idempotency_keys]] (
    tenant_id TEXT NOT NULL DEFAULT 'default',
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL DEFAULT '',
    lock_token TEXT,
    locked_until TIMESTAMPTZ,
    status_code INTEGER,
    headers JSONB,
    body BYTEA,
    cached_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    live_until TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX IF NOT EXISTS [[idempotency_keys|idx_%_live_until]] ON [[idempotency_keys]] (live_until);

-- §6 payment archive: same columns as the ledger, keyed by signature so replay protection survives archival.
CREATE TABLE IF NOT EXISTS [[payments_archive]] (
    signature TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL DEFAULT 'default',
    resource_id TEXT,
    wallet TEXT,
    amount BIGINT,
    amount_asset TEXT,
    created_at TIMESTAMP,
    metadata JSONB,
    archived_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS [[payments_archive|idx_%_tenant_created]] ON [[payments_archive]] (tenant_id, created_at);
