-- Contract §0 (tenants, keys): tenant_id NOT NULL DEFAULT 'default' on every table (NULLs of adopted rows backfilled
-- to 'default'), tenant-owned rows keyed by (tenant_id, id); payments stay keyed by signature and webhooks by id,
-- globally. A token ending in ! is the mapped name as a string literal (for ::regclass).

CREATE OR REPLACE FUNCTION pg_temp.cedros_tenant(tbl regclass) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
    EXECUTE format('ALTER TABLE %s ADD COLUMN IF NOT EXISTS tenant_id TEXT', tbl);
    EXECUTE format('UPDATE %s SET tenant_id = ''default'' WHERE tenant_id IS NULL', tbl);
    EXECUTE format('ALTER TABLE %s ALTER COLUMN tenant_id SET DEFAULT ''default'', ALTER COLUMN tenant_id SET NOT NULL', tbl);
END $f$;

CREATE OR REPLACE FUNCTION pg_temp.cedros_primary_key(tbl regclass, cols text) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
    pk text;
    current_cols text;
BEGIN
    SELECT c.conname,
           (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
              FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum)
      INTO pk, current_cols
      FROM pg_constraint c
     WHERE c.conrelid = tbl AND c.contype = 'p';
    IF current_cols IS NOT DISTINCT FROM cols THEN RETURN; END IF;
    IF pk IS NOT NULL THEN EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', tbl, pk); END IF;
    EXECUTE format('ALTER TABLE %s ADD PRIMARY KEY (%s)', tbl, cols);
END $f$;

SELECT pg_temp.cedros_tenant([[sessions!]]::regclass);
SELECT pg_temp.cedros_tenant([[payments!]]::regclass);
SELECT pg_temp.cedros_tenant([[cart_quotes!]]::regclass);
SELECT pg_temp.cedros_tenant([[refund_quotes!]]::regclass);
SELECT pg_temp.cedros_tenant([[orders!]]::regclass);
SELECT pg_temp.cedros_tenant([[order_history!]]::regclass);
SELECT pg_temp.cedros_tenant([[fulfillments!]]::regclass);
SELECT pg_temp.cedros_tenant([[inventory_reservations!]]::regclass);
SELECT pg_temp.cedros_tenant([[admin_nonces!]]::regclass);
SELECT pg_temp.cedros_tenant([[webhook_queue!]]::regclass);
SELECT pg_temp.cedros_tenant([[products!]]::regclass);
SELECT pg_temp.cedros_tenant([[coupons!]]::regclass);
SELECT pg_temp.cedros_tenant([[subscriptions!]]::regclass);

SELECT pg_temp.cedros_primary_key([[sessions!]]::regclass, 'tenant_id,id');
SELECT pg_temp.cedros_primary_key([[cart_quotes!]]::regclass, 'tenant_id,id');
SELECT pg_temp.cedros_primary_key([[refund_quotes!]]::regclass, 'tenant_id,id');
SELECT pg_temp.cedros_primary_key([[orders!]]::regclass, 'tenant_id,id');
SELECT pg_temp.cedros_primary_key([[order_history!]]::regclass, 'tenant_id,id');
SELECT pg_temp.cedros_primary_key([[fulfillments!]]::regclass, 'tenant_id,id');
SELECT pg_temp.cedros_primary_key([[inventory_reservations!]]::regclass, 'tenant_id,id');
SELECT pg_temp.cedros_primary_key([[admin_nonces!]]::regclass, 'tenant_id,id');
SELECT pg_temp.cedros_primary_key([[products!]]::regclass, 'tenant_id,id');
SELECT pg_temp.cedros_primary_key([[coupons!]]::regclass, 'tenant_id,code');
SELECT pg_temp.cedros_primary_key([[subscriptions!]]::regclass, 'tenant_id,id');

-- Coupon codes are unique per tenant case-insensitively (ASCII), and looked up that way.
CREATE UNIQUE INDEX IF NOT EXISTS [[coupons|%_tenant_code_ci_uidx]] ON [[coupons]] (tenant_id, lower(code));

-- The seed's global UNIQUE (stripe_subscription_id) becomes unique per tenant.
DO $d$
DECLARE c text;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint
              WHERE conrelid = [[subscriptions!]]::regclass AND contype = 'u'
                AND conkey = ARRAY[(SELECT attnum FROM pg_attribute
                                     WHERE attrelid = [[subscriptions!]]::regclass AND attname = 'stripe_subscription_id')]
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', [[subscriptions!]]::regclass, c);
    END LOOP;
END $d$;
CREATE UNIQUE INDEX IF NOT EXISTS [[subscriptions|%_tenant_stripe_subscription_uidx]]
    ON [[subscriptions]] (tenant_id, stripe_subscription_id) WHERE stripe_subscription_id IS NOT NULL;
