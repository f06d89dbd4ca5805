-- A message that could not be delivered for the whole retry window is marked failed (never
-- dropped silently): the organiser sees "not delivered" on an invitation and can send it again.
ALTER TABLE outbox ADD COLUMN failed_at TEXT;
CREATE INDEX outbox_due ON outbox(sent_at, failed_at, next_attempt_at);
