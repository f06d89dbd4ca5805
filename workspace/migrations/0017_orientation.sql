-- Orientation (issue 16): the organiser's own orientation material for a programme (how the
-- orientation is held, a text and links: organiser-authored programme information, no
-- personal data) and each member's tick "I have gone through the orientation".
CREATE TABLE orientation_material (
    programme_id TEXT PRIMARY KEY REFERENCES programmes(id) ON DELETE CASCADE,
    mode         TEXT CHECK (mode IN ('joint', 'separate', 'self_study')),
    text         TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE orientation_links (
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    title        TEXT NOT NULL,
    url          TEXT NOT NULL CHECK (url LIKE 'https://%' OR url LIKE 'http://%'),
    PRIMARY KEY (programme_id, position)
) STRICT;

CREATE TABLE orientation_done (
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    done_at      TEXT NOT NULL,
    PRIMARY KEY (programme_id, user_id)
) STRICT;
