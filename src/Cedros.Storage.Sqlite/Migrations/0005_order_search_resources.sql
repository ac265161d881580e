-- Order search, third shape (issue 15: a broad term at 1,000,000 orders in under 20 ms). A resource id names a
-- catalogue item: a tenant has few of them and many orders each, so a term like "product-7" matches thousands of orders
-- through a handful of resource ids, and in 0004's index every one of those orders had to be read or re-checked. Now:
-- * [[orders|%_search_resources]] holds each tenant's distinct resource ids (rows are never removed: a resource id
--   without orders counts nothing), with a trigram index of their lower-cased text, [[orders|%_search_resource_text]];
--   a term's matching resource ids are found there and their orders counted from the index on (tenant, resource,
--   created_at, id) below, without reading an order;
-- * the orders' trigram index keeps the other four columns only (the resource id stays in it, unindexed, lower-cased,
--   so a candidate's resource can be re-checked from the index's own copy).
-- Kept in step by the triggers, in the writing transaction. The orders already in the file are indexed here, once.
DROP TRIGGER IF EXISTS [[orders|%_search_ai]];
DROP TRIGGER IF EXISTS [[orders|%_search_ad]];
DROP TRIGGER IF EXISTS [[orders|%_search_au]];
DROP TABLE IF EXISTS [[orders|%_search]];
DELETE FROM [[orders|%_search_tenants]];

CREATE TABLE IF NOT EXISTS [[orders|%_search_resources]] (
    n INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    UNIQUE (tenant_id, resource_id)
);
CREATE VIRTUAL TABLE IF NOT EXISTS [[orders|%_search_resource_text]] USING fts5(
    resource_id, tokenize = 'trigram case_sensitive 1', content = ''
);
CREATE TRIGGER IF NOT EXISTS [[orders|%_search_resources_ai]] AFTER INSERT ON [[orders|%_search_resources]] BEGIN
    INSERT INTO [[orders|%_search_resource_text]] (rowid, resource_id) VALUES (new.n, lower(new.resource_id));
END;

CREATE VIRTUAL TABLE IF NOT EXISTS [[orders|%_search]] USING fts5(
    tenant_id UNINDEXED, order_id UNINDEXED, id, purchase_id, resource_id UNINDEXED, customer, customer_email,
    tokenize = 'trigram case_sensitive 1'
);

INSERT OR IGNORE INTO [[orders|%_search_resources]] (tenant_id, resource_id)
SELECT DISTINCT tenant_id, resource_id FROM [[orders]];
INSERT INTO [[orders|%_search_tenants]] (tenant_id, n, last)
SELECT tenant_id, row_number() OVER (ORDER BY tenant_id), count(*) - 1 FROM [[orders]] GROUP BY tenant_id;
INSERT INTO [[orders|%_search]] (rowid, tenant_id, order_id, id, purchase_id, resource_id, customer, customer_email)
SELECT (t.n << 40) + row_number() OVER (PARTITION BY o.tenant_id ORDER BY o.rowid) - 1, o.tenant_id, o.id,
       lower(o.id), lower(o.purchase_id), lower(o.resource_id), lower(o.customer), lower(o.customer_email)
  FROM [[orders]] AS o JOIN [[orders|%_search_tenants]] AS t ON t.tenant_id = o.tenant_id;
INSERT INTO [[orders|%_search]] ([[orders|%_search]]) VALUES ('optimize');

CREATE INDEX IF NOT EXISTS [[orders|%_tenant_resource_created_idx]] ON [[orders]] (tenant_id, resource_id, created_at DESC, id DESC);

CREATE TRIGGER IF NOT EXISTS [[orders|%_search_ai]] AFTER INSERT ON [[orders]] BEGIN
    INSERT OR IGNORE INTO [[orders|%_search_resources]] (tenant_id, resource_id) VALUES (new.tenant_id, new.resource_id);
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
    INSERT OR IGNORE INTO [[orders|%_search_resources]] (tenant_id, resource_id) VALUES (new.tenant_id, new.resource_id);
    INSERT INTO [[orders|%_search_tenants]] (tenant_id, n, last)
    VALUES (new.tenant_id, (SELECT coalesce(max(n), 0) + 1 FROM [[orders|%_search_tenants]]), 0)
    ON CONFLICT (tenant_id) DO UPDATE SET last = last + 1;
    INSERT INTO [[orders|%_search]] (rowid, tenant_id, order_id, id, purchase_id, resource_id, customer, customer_email)
    SELECT (n << 40) + last, new.tenant_id, new.id, lower(new.id), lower(new.purchase_id), lower(new.resource_id),
           lower(new.customer), lower(new.customer_email)
      FROM [[orders|%_search_tenants]] WHERE tenant_id = new.tenant_id;
END;
