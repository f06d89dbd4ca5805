-- Follow-up surveys (mid-point, end, long-term): their questions, when they are sent, who was
-- sent one and who has answered (for reminders), single-use answer links, and the sealed
-- answers. The sealed answers share nothing with the rest: a random id (the one-time sealing
-- identity's), the survey, the day; no user, no pair, no time of day. Every table here is
-- WITHOUT ROWID, so no hidden insertion counter orders the answered record against the answers.

CREATE TABLE surveys (
    id             TEXT PRIMARY KEY,
    programme_id   TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('midpoint', 'end', 'longterm')),
    send_on        TEXT,
    sent_on        TEXT,
    reminder_days  INTEGER NOT NULL DEFAULT 7 CHECK (reminder_days BETWEEN 1 AND 60),
    reminded_on    TEXT,
    next_question  INTEGER NOT NULL DEFAULT 1,
    UNIQUE (programme_id, kind)
) STRICT, WITHOUT ROWID;

-- A question keeps its id for good (removed ones stay, marked), so answers never change meaning.
-- `builtin`: the ready-written question's key (its text is translated) until the organiser
-- writes their own `text`. `options`: [{"id": "o1", "key": "…"|null, "text": "…"|null,
-- "removed": bool}] for one and several choices.
CREATE TABLE survey_questions (
    survey_id  TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('short', 'long', 'scale', 'choice', 'choices', 'yesno')),
    audience   TEXT NOT NULL CHECK (audience IN ('all', 'mentor', 'mentee')),
    required   INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    builtin    TEXT,
    text       TEXT,
    options    TEXT NOT NULL DEFAULT '[]',
    removed    INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    PRIMARY KEY (survey_id, id)
) STRICT, WITHOUT ROWID;

-- Who was sent the survey (and so may answer it), on which day, and whether reminded.
CREATE TABLE survey_sends (
    survey_id TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
    sent_on   TEXT NOT NULL,
    reminded  INTEGER NOT NULL DEFAULT 0 CHECK (reminded IN (0, 1)),
    PRIMARY KEY (survey_id, user_id)
) STRICT, WITHOUT ROWID;

-- Who has answered: no time at all, ordered by user id.
CREATE TABLE survey_responses (
    survey_id TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (survey_id, user_id)
) STRICT, WITHOUT ROWID;

-- A single-use answer link (for people whose pair has ended or who have no account): stored
-- hashed; `used` without a time, so it cannot be lined up with an answer.
CREATE TABLE survey_links (
    token_hash BLOB PRIMARY KEY,
    survey_id  TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_on TEXT NOT NULL,
    used       INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1))
) STRICT, WITHOUT ROWID;
CREATE INDEX survey_links_user ON survey_links(survey_id, user_id);

-- The sealed answers: the one-time identity's bundle and one copy per organiser (JSON list of
-- {recipient_id, sealed}), by survey and day only.
CREATE TABLE survey_answers (
    id          TEXT PRIMARY KEY,
    survey_id   TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    answered_on TEXT NOT NULL,
    bundle      TEXT NOT NULL,
    copies      TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX survey_answers_survey ON survey_answers(survey_id, id);
