-- The pair notebook: sealed entries (ciphertext only), agreement confirmations and the phase.
-- The server sees each entry's type, author, revision, times and padded size; never content.

CREATE TABLE entries (
    id          TEXT PRIMARY KEY,
    notebook_id TEXT NOT NULL REFERENCES notebooks(id) ON DELETE CASCADE,
    entry_type  TEXT NOT NULL CHECK (entry_type IN ('agreement', 'goal', 'meeting', 'evaluation', 'summary')),
    created_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    author_id   TEXT NOT NULL,
    revision    INTEGER NOT NULL CHECK (revision >= 1),
    envelope    TEXT NOT NULL,
    size        INTEGER NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX entries_notebook ON entries(notebook_id, entry_type, created_at);

-- A member's confirmation of one exact revision of the agreement.
CREATE TABLE confirmations (
    entry_id     TEXT NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    revision     INTEGER NOT NULL,
    envelope_sha TEXT NOT NULL,
    confirmed_at TEXT NOT NULL,
    PRIMARY KEY (entry_id, user_id)
) STRICT;

ALTER TABLE notebooks ADD COLUMN phase_override TEXT
    CHECK (phase_override IN ('start', 'working', 'closing', 'completed'));
