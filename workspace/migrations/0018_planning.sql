-- Planning (issue 16, item 5): the organiser guide's planning checklist per programme. Each item's
-- state and the structured answers that have no other home (counts, rhythm, modes, planned
-- dates); what is a programme setting (dates, language) lives in `programmes`, the calls' closing
-- date in `calls`. Free-text notes are sealed in the browser to the programme's organisers
-- (docs/PROTOCOL.md §8, type `planning-note`): the server never holds their words.
CREATE TABLE planning_items (      -- owner planning/queries.py
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    item         TEXT NOT NULL CHECK (item IN ('goals', 'resources', 'structure', 'language',
                     'reach', 'orientation', 'followup', 'ending')),
    state        TEXT NOT NULL DEFAULT 'not_started' CHECK (state IN ('not_started', 'answered', 'done')),
    answers      TEXT NOT NULL DEFAULT '{}',      -- JSON of checked values (planning/checklist.py)
    updated_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (programme_id, item)
) STRICT;
CREATE TABLE planning_notes (      -- owner planning/queries.py; one sealed note per item
    programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    item         TEXT NOT NULL,
    note_id      TEXT NOT NULL,                   -- drawn by the sealing browser
    author_id    TEXT REFERENCES users(id) ON DELETE SET NULL,
    copies       TEXT NOT NULL,                   -- JSON {recipient_id: sealed}
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (programme_id, item)
) STRICT;
