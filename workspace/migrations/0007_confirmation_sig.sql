-- A confirmation carries the member's Ed25519 signature over the exact revision (docs/PROTOCOL.md
-- §7.1), with what a client needs to check it again once the entry has moved on: the author of
-- that revision and the digest of its ciphertext. Confirmations stored before this have no
-- signature and no longer count: the members confirm again.
ALTER TABLE confirmations ADD COLUMN sig TEXT;
ALTER TABLE confirmations ADD COLUMN author_id TEXT;
ALTER TABLE confirmations ADD COLUMN ct_sha256 TEXT;
