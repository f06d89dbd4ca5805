-- Membership needs the member's consent: a pair member row is a standing invitation until the
-- member accepts it (accepted_at), and the name the partner and the organiser see is chosen for
-- this pair when accepting (display_name), never carried over from another programme.
ALTER TABLE pair_members ADD COLUMN accepted_at TEXT;
ALTER TABLE pair_members ADD COLUMN display_name TEXT;
-- Members who already joined accepted their pairs when they registered under the old rules.
UPDATE pair_members SET
    accepted_at = (SELECT u.joined_at FROM users u WHERE u.id = pair_members.user_id),
    display_name = (SELECT u.display_name FROM users u WHERE u.id = pair_members.user_id)
WHERE EXISTS (SELECT 1 FROM key_material k WHERE k.user_id = pair_members.user_id);
