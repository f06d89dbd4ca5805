-- Notebook key rotation (docs/PROTOCOL.md §13, §13.1): a notebook whose membership changed (a
-- member left, was removed or replaced) is due for a new key, which the remaining member's client
-- draws with kv + 1 the next time it opens the notebook. Each entry records the key version its
-- current revision is sealed under, and each confirmation the version of the revision it signs,
-- so that readers open old entries under their own key.
ALTER TABLE notebooks ADD COLUMN rotation_due INTEGER NOT NULL DEFAULT 0
    CHECK (rotation_due IN (0, 1));
-- A member who left before this version may have kept the only key there was.
UPDATE notebooks SET rotation_due = 1 WHERE pair_id IN (SELECT pair_id FROM pair_departures);
-- Until now every notebook had one key version: 1.
ALTER TABLE entries ADD COLUMN key_version INTEGER NOT NULL DEFAULT 1 CHECK (key_version >= 1);
ALTER TABLE confirmations ADD COLUMN key_version INTEGER NOT NULL DEFAULT 1
    CHECK (key_version >= 1);
