-- Beyond the seed (issue 18, ambiguous commits): the caller's id for the attempt that recorded a payment, so a retry
-- whose first outcome was unknown can tell its own earlier attempt from a replay. Nullable: rows and callers without
-- one keep the seed's behaviour (every existing signature is a replay).
ALTER TABLE [[payments]] ADD COLUMN attempt_id TEXT;
