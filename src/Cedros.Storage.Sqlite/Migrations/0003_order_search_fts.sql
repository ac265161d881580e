-- Order search (issue 15): a trigram full-text index over the five searched columns, so a search by a term of three
-- or more ASCII characters reads the orders that contain it instead of scanning the tenant's orders. The index only
-- narrows the candidates: every candidate is re-checked with the exact rule (ordinal, case-insensitive substring), so
-- the semantics stay those of the other backends. Kept in step by triggers. The FTS rowid is its own (a VACUUM may
-- renumber the orders' implicit rowids); rows point at their order by (tenant_id, order_id). The library never deletes
-- orders nor edits their searched columns; the delete/update triggers (a scan of the index) serve manual edits.
CREATE VIRTUAL TABLE IF NOT EXISTS [[orders|%_search]] USING fts5(
    tenant_id UNINDEXED, order_id UNINDEXED, id, purchase_id, resource_id, customer, customer_email,
    tokenize = 'trigram case_sensitive 0'
);
CREATE TRIGGER IF NOT EXISTS [[orders|%_search_ai]] AFTER INSERT ON [[orders]] BEGIN
    INSERT INTO [[orders|%_search]] (tenant_id, order_id, id, purchase_id, resource_id, customer, customer_email)
    VALUES (new.tenant_id, new.id, new.id, new.purchase_id, new.resource_id, new.customer, new.customer_email);
END;
CREATE TRIGGER IF NOT EXISTS [[orders|%_search_ad]] AFTER DELETE ON [[orders]] BEGIN
    DELETE FROM [[orders|%_search]] WHERE tenant_id = old.tenant_id AND order_id = old.id;
END;
CREATE TRIGGER IF NOT EXISTS [[orders|%_search_au]]
    AFTER UPDATE OF tenant_id, id, purchase_id, resource_id, customer, customer_email ON [[orders]] BEGIN
    DELETE FROM [[orders|%_search]] WHERE tenant_id = old.tenant_id AND order_id = old.id;
    INSERT INTO [[orders|%_search]] (tenant_id, order_id, id, purchase_id, resource_id, customer, customer_email)
    VALUES (new.tenant_id, new.id, new.id, new.purchase_id, new.resource_id, new.customer, new.customer_email);
END;
INSERT INTO [[orders|%_search]] (tenant_id, order_id, id, purchase_id, resource_id, customer, customer_email)
SELECT tenant_id, id, id, purchase_id, resource_id, customer, customer_email FROM [[orders]];
