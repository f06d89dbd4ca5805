-- A confirmation carries the member's Ed25519 signature over the exact revision (docs/PROTOCOL.md
-- §7.1). Confirmations stored before this have none and no longer count: the members confirm again.
ALTER TABLE confirmations ADD COLUMN sig TEXT;
