-- Data rights: leaving, ending and removal, retention notices and the per-programme privacy notice.

ALTER TABLE pairs ADD COLUMN ended_at TEXT;

-- A member's place in a pair after they left (deleted their account) or were removed: only the role
-- and the date, never who it was.
CREATE TABLE pair_departures (
    pair_id TEXT NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
    reason  TEXT NOT NULL CHECK (reason IN ('left', 'removed')),
    left_at TEXT NOT NULL,
    PRIMARY KEY (pair_id, role)
) STRICT;

-- Removed by an organiser: read-only (export) access until the grace period ends.
ALTER TABLE pair_members ADD COLUMN removed_at TEXT;

-- The two warnings before a notebook is deleted at the end of its retention period.
CREATE TABLE retention_notices (
    pair_id TEXT NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    notice  INTEGER NOT NULL CHECK (notice IN (1, 2)),
    sent_at TEXT NOT NULL,
    PRIMARY KEY (pair_id, user_id, notice)
) STRICT;

-- The privacy notice's programme-specific parts, editable by the organisers.
ALTER TABLE programmes ADD COLUMN controller TEXT;
ALTER TABLE programmes ADD COLUMN privacy_contact TEXT;
ALTER TABLE programmes ADD COLUMN privacy_extra TEXT;
ALTER TABLE programmes ADD COLUMN purged_at TEXT;
