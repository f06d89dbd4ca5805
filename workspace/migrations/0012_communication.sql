-- Programme communication: mail attachments and headers, events with invitations and answers,
-- the message plan, member notifications and their switches, consent to share an email address
-- with the programme's participant group. Nothing here holds notebook or report content.

-- Extra headers of a queued message (Reply-To, List-Unsubscribe) as a JSON object.
ALTER TABLE outbox ADD COLUMN headers TEXT;

-- Files sent with a queued message (an event's .ics); they go when the message goes.
CREATE TABLE outbox_attachments (
    id        INTEGER PRIMARY KEY,
    outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    filename  TEXT NOT NULL,
    mime      TEXT NOT NULL,
    params    TEXT NOT NULL DEFAULT '{}',
    data      BLOB NOT NULL
) STRICT;
CREATE INDEX outbox_attachments_mail ON outbox_attachments(outbox_id);

-- A programme's event: times are UTC; shown and sent in Europe/Helsinki.
CREATE TABLE events (
    id           TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('orientation', 'midpoint', 'closing', 'other')),
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    starts_at    TEXT NOT NULL,
    minutes      INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 1440),
    place        TEXT NOT NULL DEFAULT '',
    online_url   TEXT NOT NULL DEFAULT '',
    audience     TEXT NOT NULL CHECK (audience IN ('all', 'mentors', 'mentees')),
    remind_days  INTEGER NOT NULL DEFAULT 2 CHECK (remind_days BETWEEN 0 AND 30),
    sequence     INTEGER NOT NULL DEFAULT 0,
    created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    cancelled_at TEXT,
    reminded_at  TEXT,
    attendance_at TEXT
) STRICT;
CREATE INDEX events_programme ON events(programme_id, starts_at);

-- Who was invited, their answer, whether they came (marked by the organiser afterwards).
CREATE TABLE event_invitees (
    event_id      TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
    invited_at    TEXT NOT NULL,
    answer        TEXT CHECK (answer IN ('coming', 'declined')),
    answered_at   TEXT,
    reminded_at   TEXT,
    attended      INTEGER CHECK (attended IN (0, 1)),
    self_study_at TEXT,
    PRIMARY KEY (event_id, user_id)
) STRICT;

-- An answer link from one mail: stored hashed, good for one answer.
CREATE TABLE rsvp_links (
    token_hash BLOB PRIMARY KEY,
    event_id   TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;

-- The message plan: a programme's own wording of a stage (the ready-written text otherwise),
-- and when the stage is sent.
CREATE TABLE message_templates (
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    stage        TEXT NOT NULL,
    language     TEXT NOT NULL CHECK (language IN ('fi', 'en')),
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (programme_id, stage, language)
) STRICT;

CREATE TABLE message_schedule (
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    stage        TEXT NOT NULL,
    send_on      TEXT,
    done_at      TEXT,
    PRIMARY KEY (programme_id, stage)
) STRICT;

-- Each send: who got which stage, when, by hand or by the plan (never a copy of the mail).
CREATE TABLE message_sends (
    id           INTEGER PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    stage        TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sent_by      TEXT REFERENCES users(id) ON DELETE SET NULL,
    scheduled    INTEGER NOT NULL CHECK (scheduled IN (0, 1)),
    sent_at      TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX message_sends_once ON message_sends(programme_id, stage, user_id)
    WHERE scheduled = 1;

-- What waits for a member: a kind, a pair, when; seen in the app, mailed in a daily digest.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    pair_id    TEXT REFERENCES pairs(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    ref        TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    seen_at    TEXT,
    mailed_at  TEXT
) STRICT;
CREATE INDEX notifications_user ON notifications(user_id, seen_at);

-- A member's switches (a kind is on unless switched off) and the language of their mail.
CREATE TABLE notification_settings (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
) STRICT;

CREATE TABLE mail_preferences (
    user_id        TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    language       TEXT CHECK (language IN ('fi', 'en')),
    last_digest_at TEXT
) STRICT;

-- Consent to share one's email address with the programme's participant group: every decision
-- is kept, the latest counts.
CREATE TABLE group_consents (
    id           INTEGER PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    decision     INTEGER NOT NULL CHECK (decision IN (0, 1)),
    decided_at   TEXT NOT NULL
) STRICT;
CREATE INDEX group_consents_member ON group_consents(programme_id, user_id, id);
