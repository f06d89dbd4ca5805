-- What a client needs to check a confirmation again once the entry has moved on (§7.1): the author
-- of the confirmed revision and the digest of its ciphertext.
ALTER TABLE confirmations ADD COLUMN author_id TEXT;
ALTER TABLE confirmations ADD COLUMN ct_sha256 TEXT;
