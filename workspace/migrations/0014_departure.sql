-- Leaving keeps the partner's record (docs/PROTOCOL.md §13.1): what a departure leaves for the
-- member who stays, and pausing a pair.

-- Confirmations that stood on an entry when its writer left and re-sealed it without their name:
-- the server's record (the signatures named the leaver, whose id is erased) that the remaining
-- member and the former member had confirmed the version the re-sealed revision carries.
CREATE TABLE carried_confirmations (
    entry_id     TEXT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    revision     INTEGER NOT NULL,   -- the re-sealed revision these confirmations are carried to
    member_id    TEXT REFERENCES users(id) ON DELETE CASCADE,  -- NULL: the former member
    confirmed_at TEXT NOT NULL,      -- when the original confirmation was given
    UNIQUE (entry_id, member_id)
) STRICT;

-- Entries a leaving member chose to take with them: kept, re-sealed without their name, until
-- `remove_after` (ISO date) so the partner can download the notebook first; then `pairbook purge`
-- deletes them.
CREATE TABLE departure_removals (
    entry_id     TEXT PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    pair_id      TEXT NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    remove_after TEXT NOT NULL
) STRICT;
CREATE INDEX departure_removals_due ON departure_removals(remove_after);

-- What a member is told in the app about their pair (also sent by mail): a partner left, entries
-- will be removed, the pair was paused or resumed, a new partner was invited.
CREATE TABLE pair_notices (
    id           TEXT PRIMARY KEY,
    pair_id      TEXT NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('partner-left', 'paused', 'resumed', 'replaced')),
    role         TEXT CHECK (role IN ('mentor', 'mentee')),   -- the partner's role
    happened_on  TEXT NOT NULL,      -- ISO date of the event
    removing     TEXT NOT NULL DEFAULT '[]',  -- JSON list of the kinds of entry that will go
    remove_after TEXT,               -- ISO date they go
    created_at   TEXT NOT NULL,
    dismissed_at TEXT
) STRICT;
CREATE INDEX pair_notices_member ON pair_notices(user_id, pair_id);

-- An organiser paused the pair: the notebook can be read, not changed, until it is resumed.
ALTER TABLE pairs ADD COLUMN paused_at TEXT;
