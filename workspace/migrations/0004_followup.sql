-- Follow-up: consent records, incident flags with sealed messages, and the organisers' audit log.

-- Every consent decision is kept: who, which signal, given or withdrawn, when, and a hash of the
-- exact wording shown. The current decision is the latest row.
CREATE TABLE consents (
    id          INTEGER PRIMARY KEY,
    pair_id     TEXT NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    signal      TEXT NOT NULL CHECK (signal IN ('phase', 'agreement', 'meetings', 'evaluation', 'activity')),
    decision    INTEGER NOT NULL CHECK (decision IN (0, 1)),
    wording_sha TEXT NOT NULL,
    decided_at  TEXT NOT NULL
) STRICT;
CREATE INDEX consents_pair ON consents(pair_id, user_id, signal, id);

CREATE TABLE flags (
    id              TEXT PRIMARY KEY,
    programme_id    TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    pair_id         TEXT NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    reporter_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    category        TEXT NOT NULL CHECK (category IN ('chemistry', 'cancellations', 'distraction',
                        'connection', 'language', 'disrespect', 'other')),
    status          TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_contact', 'resolved', 'pair_ended')),
    created_at      TEXT NOT NULL,
    acknowledged_at TEXT,
    withdrawn_at    TEXT,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX flags_programme ON flags(programme_id, status);

-- One sealed copy of each message per recipient (protocol v1 §8).
CREATE TABLE flag_messages (
    id           TEXT NOT NULL,
    flag_id      TEXT NOT NULL REFERENCES flags(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('report', 'addition', 'note', 'reply')),
    sender_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    recipient_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sealed       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (id, recipient_id)
) STRICT;
CREATE INDEX flag_messages_flag ON flag_messages(flag_id);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    actor_id     TEXT REFERENCES users(id) ON DELETE SET NULL,
    action       TEXT NOT NULL,
    subject      TEXT,
    reason       TEXT,
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX audit_programme ON audit_log(programme_id, id);
