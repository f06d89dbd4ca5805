-- Recruitment (issue 13): public calls, sealed applications and their single-purpose links.
-- The server holds an applicant's email, role, status and timestamps in clear; the answers only
-- sealed to the programme's organisers (docs/PROTOCOL.md §12).
CREATE TABLE recruitment (         -- one row per programme that recruits; owner recruitment/queries.py
    programme_id TEXT PRIMARY KEY REFERENCES programmes(id) ON DELETE CASCADE,
    slug         TEXT NOT NULL UNIQUE,            -- /apply/<slug>
    keep_days    INTEGER NOT NULL DEFAULT 90,     -- non-paired applications go keep_days after the start
    created_at   TEXT NOT NULL
) STRICT;
CREATE TABLE calls (               -- owner recruitment/queries.py
    programme_id  TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
    state         TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'closed')),
    offer         TEXT NOT NULL DEFAULT '',       -- what the programme offers and asks (public text)
    length_text   TEXT NOT NULL DEFAULT '',
    rhythm        TEXT NOT NULL DEFAULT '',
    mode          TEXT NOT NULL DEFAULT 'either' CHECK (mode IN ('in_person', 'remote', 'either')),
    criteria      TEXT NOT NULL DEFAULT '',
    contact_name  TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    closes_on     TEXT,                           -- ISO dates
    pairs_by      TEXT,
    starts_on     TEXT,
    languages     TEXT NOT NULL DEFAULT '[]',     -- JSON list of language codes
    questions     TEXT NOT NULL DEFAULT '[]',     -- JSON: organiser's own questions (below)
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (programme_id, role)
) STRICT;
CREATE TABLE applications (        -- owner recruitment/queries.py
    id           TEXT PRIMARY KEY,                -- drawn by the sealing browser; the sealed message id
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
    email        TEXT NOT NULL,
    language     TEXT NOT NULL,                   -- the applicant's language (mail goes in it)
    status       TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_contact', 'accepted',
                 'waiting', 'not_selected', 'withdrawn', 'paired')),
    source       TEXT NOT NULL DEFAULT 'form' CHECK (source IN ('form', 'import')),
    bundle       TEXT,                            -- one-time identity bundle (JSON) that signed the copies; NULL once paired
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    confirmed_at TEXT,                            -- the applicant opened the status link
    warned_at    TEXT,                            -- the retention notice was queued
    UNIQUE (programme_id, role, email)
) STRICT;
CREATE TABLE application_copies (  -- owner recruitment/queries.py; one sealed copy per organiser
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    recipient_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sealed         TEXT NOT NULL,
    PRIMARY KEY (application_id, recipient_id)
) STRICT;
CREATE TABLE application_tokens (  -- owner recruitment/queries.py; hashed single-purpose links
    token_hash     TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    purpose        TEXT NOT NULL CHECK (purpose IN ('status', 'update')),
    pending        TEXT,                          -- for 'update': JSON {bundle, language, copies} awaiting confirmation
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL
) STRICT;
CREATE TABLE application_notes (   -- owner recruitment/applicants.py (applicants)
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    author_id      TEXT REFERENCES users(id) ON DELETE SET NULL,
    copies         TEXT NOT NULL,                 -- JSON {recipient_id: sealed}
    created_at     TEXT NOT NULL
) STRICT;
CREATE TABLE applicant_mailings (  -- owner recruitment/applicants.py (applicants); never the content
    id           INTEGER PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    sent_by      TEXT REFERENCES users(id) ON DELETE SET NULL,
    status_group TEXT NOT NULL,
    recipients   INTEGER NOT NULL,
    sent_at      TEXT NOT NULL
) STRICT;
CREATE INDEX applications_by_programme ON applications (programme_id, status);
