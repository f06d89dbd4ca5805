-- Accounts, programmes, pairs, invitations, sessions, email outbox and the pairing state.
-- Key material columns hold only what protocol v1 lets the server see: verifiers, wrapped keys,
-- public bundles and signed shares.

CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    email        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role         TEXT NOT NULL CHECK (role IN ('organiser', 'member')),
    display_name TEXT,
    created_at   TEXT NOT NULL,
    joined_at    TEXT
) STRICT;

CREATE TABLE key_material (
    user_id                TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    kdf                    TEXT NOT NULL,
    auth_verifier          BLOB NOT NULL,
    wrapped_account_key    TEXT NOT NULL,
    wrapped_x25519         TEXT NOT NULL,
    wrapped_ed25519        TEXT NOT NULL,
    bundle                 TEXT NOT NULL,
    identity_version       INTEGER NOT NULL DEFAULT 1,
    recovery_wrapped_key   TEXT,
    recovery_verifier      BLOB,
    updated_at             TEXT NOT NULL
) STRICT;

CREATE TABLE programmes (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    language       TEXT NOT NULL,
    start_date     TEXT NOT NULL,
    mid_date       TEXT NOT NULL,
    end_date       TEXT NOT NULL,
    retention_days INTEGER NOT NULL DEFAULT 90,
    created_at     TEXT NOT NULL
) STRICT;

CREATE TABLE programme_organisers (
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_at     TEXT NOT NULL,
    PRIMARY KEY (programme_id, user_id)
) STRICT;

CREATE TABLE pairs (
    id           TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    code         TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE pair_members (
    pair_id TEXT NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
    PRIMARY KEY (pair_id, role),
    UNIQUE (pair_id, user_id)
) STRICT;

CREATE TABLE invitations (
    id           TEXT PRIMARY KEY,
    token_hash   BLOB NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    programme_id TEXT REFERENCES programmes(id) ON DELETE CASCADE,
    pair_id      TEXT REFERENCES pairs(id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('organiser', 'mentor', 'mentee')),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    revoked_at   TEXT
) STRICT;
CREATE INDEX invitations_user ON invitations(user_id);

CREATE TABLE sessions (
    id_hash      BLOB PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at     TEXT
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE recovery_grants (
    id_hash    BLOB PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('recovery-code', 'email-reset')),
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    last_error      TEXT
) STRICT;

CREATE TABLE notebooks (
    id         TEXT PRIMARY KEY,
    pair_id    TEXT NOT NULL UNIQUE REFERENCES pairs(id) ON DELETE CASCADE,
    key_version INTEGER NOT NULL DEFAULT 1,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
) STRICT;

-- Each member's own wrap of a notebook key (under their account key).
CREATE TABLE notebook_keys (
    notebook_id TEXT NOT NULL REFERENCES notebooks(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key_version INTEGER NOT NULL,
    wrapped_key TEXT NOT NULL,
    identity_version INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (notebook_id, user_id, key_version)
) STRICT;

-- Signed, sealed copies of a notebook key from one member to the other, until accepted.
CREATE TABLE key_shares (
    id          TEXT PRIMARY KEY,
    notebook_id TEXT NOT NULL REFERENCES notebooks(id) ON DELETE CASCADE,
    key_version INTEGER NOT NULL,
    from_user   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    to_user     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    to_identity_version INTEGER NOT NULL,
    share       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    accepted_at TEXT
) STRICT;
CREATE INDEX key_shares_to ON key_shares(to_user);

-- A member's signed pin of the partner's public bundle, and whether they compared safety numbers.
CREATE TABLE pins (
    pair_id     TEXT NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    owner_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    partner_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    pin         TEXT NOT NULL,
    verified_at TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (pair_id, owner_id)
) STRICT;
