-- Order search, second shape (issue 15: p99 <= 20 ms at 1,000,000 orders). Replaces 0003's index so that, for a term of
-- three or more ASCII characters, the index alone answers the count, without reading a single order:
-- * the indexed text is lower(column) (SQLite's lower folds ASCII only) under a case-sensitive trigram tokenizer, so a
--   phrase of lower(term) matches exactly when lower(column) contains lower(term), the rule the search applies to
--   ASCII terms everywhere (the same rule as the instr(lower(..)) re-check of an unindexed scan);
-- * the index's rowid is (tenant number << 40) + the tenant's running order number, so one tenant's rows are one rowid
--   range that the full-text query seeks (no per-row tenant check). [[orders|%_search_tenants]] numbers the tenants and
--   counts their index rows (also the planner's estimate of a tenant's orders).
-- Kept in step by triggers as before; the library never deletes orders nor edits their searched columns, the delete and
-- update triggers (a scan of the tenant's index rows) serve manual edits. Existing orders are indexed here, once.
DROP TRIGGER IF EXISTS [[orders|%_search_ai]];
DROP TRIGGER IF EXISTS [[orders|%_search_ad]];
DROP TRIGGER IF EXISTS [[orders|%_search_au]];
DROP TABLE IF EXISTS [[orders|%_search]];
CREATE TABLE IF NOT EXISTS [[orders|%_search_tenants]] (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    n INTEGER NOT NULL UNIQUE,
    last INTEGER NOT NULL
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS [[orders|%_search]] USING fts5(
    tenant_id UNINDEXED, order_id UNINDEXED, id, purchase_id, resource_id, customer, customer_email,
    tokenize = 'trigram case_sensitive 1'
);
INSERT INTO [[orders|%_search_tenants]] (tenant_id, n, last)
SELECT tenant_id, row_number() OVER (ORDER BY tenant_id), count(*) - 1 FROM [[orders]] GROUP BY tenant_id;
INSERT INTO [[orders|%_search]] (rowid, tenant_id, order_id, id, purchase_id, resource_id, customer, customer_email)
SELECT (t.n << 40) + row_number() OVER (PARTITION BY o.tenant_id ORDER BY o.rowid) - 1, o.tenant_id, o.id,
       lower(o.id), lower(o.purchase_id), lower(o.resource_id), lower(o.customer), lower(o.customer_email)
  FROM [[orders]] AS o JOIN [[orders|%_search_tenants]] AS t ON t.tenant_id = o.tenant_id;
INSERT INTO [[orders|%_search]] ([[orders|%_search]]) VALUES ('optimize');
CREATE TRIGGER IF NOT EXISTS [[orders|%_search_ai]] AFTER INSERT ON [[orders]] BEGIN
    INSERT INTO [[orders|%_search_tenants]] (tenant_id, n, last)
    VALUES (new.tenant_id, (SELECT coalesce(max(n), 0) + 1 FROM [[orders|%_search_tenants]]), 0)
    ON CONFLICT (tenant_id) DO UPDATE SET last = last + 1;
    INSERT INTO [[orders|%_search]] (rowid, tenant_id, order_id, id, purchase_id, resource_id, customer, customer_email)
    SELECT (n << 40) + last, new.tenant_id, new.id, lower(new.id), lower(new.purchase_id), lower(new.resource_id),
           lower(new.customer), lower(new.customer_email)
      FROM [[orders|%_search_tenants]] WHERE tenant_id = new.tenant_id;
END;
CREATE TRIGGER IF NOT EXISTS [[orders|%_search_ad]] AFTER DELETE ON [[orders]] BEGIN
    DELETE FROM [[orders|%_search]]
     WHERE rowid BETWEEN (SELECT n << 40 FROM [[orders|%_search_tenants]] WHERE tenant_id = old.tenant_id)
                     AND (SELECT (n << 40) + last FROM [[orders|%_search_tenants]] WHERE tenant_id = old.tenant_id)
       AND order_id = old.id;
END;
CREATE TRIGGER IF NOT EXISTS [[orders|%_search_au]]
    AFTER UPDATE OF tenant_id, id, purchase_id, resource_id, customer, customer_email ON [[orders]] BEGIN
    DELETE FROM [[orders|%_search]]
     WHERE rowid BETWEEN (SELECT n << 40 FROM [[orders|%_search_tenants]] WHERE tenant_id = old.tenant_id)
                     AND (SELECT (n << 40) + last FROM [[orders|%_search_tenants]] WHERE tenant_id = old.tenant_id)
       AND order_id = old.id;
    INSERT INTO [[orders|%_search_tenants]] (tenant_id, n, last)
    VALUES (new.tenant_id, (SELECT coalesce(max(n), 0) + 1 FROM [[orders|%_search_tenants]]), 0)
    ON CONFLICT (tenant_id) DO UPDATE SET last = last + 1;
    INSERT INTO [[orders|%_search]] (rowid, tenant_id, order_id, id, purchase_id, resource_id, customer, customer_email)
    SELECT (n << 40) + last, new.tenant_id, new.id, lower(new.id), lower(new.purchase_id), lower(new.resource_id),
           lower(new.customer), lower(new.customer_email)
      FROM [[orders|%_search_tenants]] WHERE tenant_id = new.tenant_id;
END;
