-- Who moved the phase by hand, so the partner reads "Maija moved the phase", not "you moved it".
-- Cleared with the override, and when that member deletes their account.
ALTER TABLE notebooks ADD COLUMN phase_override_by TEXT REFERENCES users(id) ON DELETE SET NULL;
