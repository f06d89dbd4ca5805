-- A confirmation carries the member's Ed25519 signature over the exact revision and ciphertext
-- (docs/PROTOCOL.md §7.1), so clients need not take the server's word for it. Confirmations
-- stored before this have none and no longer count: the members confirm again.
ALTER TABLE confirmations ADD COLUMN sig TEXT;
