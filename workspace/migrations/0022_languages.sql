-- Languages (issue #17): one set of codes for programmes and people: 'fi', 'fi@selko' (plain
-- Finnish, selkosuomi), 'sv', 'en'. A person's chosen interface language is kept on the account
-- (users.language, NULL: not chosen) and applies to the mail sent to them.
ALTER TABLE users ADD COLUMN language TEXT
    CHECK (language IS NULL OR language IN ('fi', 'fi@selko', 'sv', 'en'));

-- The programme form once stored plain Finnish as 'fi-selko'.
UPDATE programmes SET language = 'fi@selko' WHERE language = 'fi-selko';
UPDATE applications SET language = 'fi@selko' WHERE language = 'fi-selko';
UPDATE calls SET languages = replace(languages, '"fi-selko"', '"fi@selko"')
    WHERE languages LIKE '%"fi-selko"%';

-- The communication tables allowed only 'fi' and 'en': rebuilt with the four codes.
ALTER TABLE message_templates RENAME TO message_templates_old;
CREATE TABLE message_templates (
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    stage        TEXT NOT NULL,
    language     TEXT NOT NULL CHECK (language IN ('fi', 'fi@selko', 'sv', 'en')),
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (programme_id, stage, language)
) STRICT;
INSERT INTO message_templates SELECT programme_id, stage, language, subject, body, updated_at
    FROM message_templates_old;
DROP TABLE message_templates_old;

ALTER TABLE mail_preferences RENAME TO mail_preferences_old;
CREATE TABLE mail_preferences (
    user_id        TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    language       TEXT CHECK (language IN ('fi', 'fi@selko', 'sv', 'en')),
    last_digest_at TEXT
) STRICT;
INSERT INTO mail_preferences SELECT user_id, language, last_digest_at FROM mail_preferences_old;
DROP TABLE mail_preferences_old;
