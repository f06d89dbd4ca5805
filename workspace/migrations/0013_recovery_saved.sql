-- When the member said they saved their current recovery code (NULL: never said so, or the
-- code was replaced since): the account page reminds them and offers a new one.
ALTER TABLE key_material ADD COLUMN recovery_saved_at TEXT;
-- Before this, joining could not go on without ticking "I have saved my recovery code".
UPDATE key_material SET recovery_saved_at = updated_at WHERE recovery_wrapped_key IS NOT NULL;
