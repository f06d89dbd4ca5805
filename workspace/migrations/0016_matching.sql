-- Matching (issue 14): the organiser's criteria for forming pairs, per programme. Weights,
-- must-haves and which questions count; never an applicant's answer, a score or a suggestion.
CREATE TABLE matching_criteria (
    programme_id TEXT PRIMARY KEY REFERENCES programmes(id) ON DELETE CASCADE,
    criteria     TEXT NOT NULL,                  -- JSON, checked by matching/criteria.py
    updated_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    updated_at   TEXT NOT NULL
) STRICT;
