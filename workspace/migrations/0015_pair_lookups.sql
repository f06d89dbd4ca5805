-- Indexes for every lookup by pair or programme that the dashboard, the report and the pages make,
-- and one that holds each entry's metadata, so that counting types and dates per notebook reads
-- the index alone and never the rows that carry the envelopes.
CREATE INDEX pairs_programme ON pairs(programme_id, code);
CREATE INDEX flags_pair ON flags(pair_id, status);
CREATE INDEX invitations_pair ON invitations(pair_id);
CREATE INDEX key_shares_notebook ON key_shares(notebook_id);
CREATE INDEX entries_meta ON entries(notebook_id, entry_type, created_at, updated_at, created_by, done, revision, id);
-- Each member's latest consent decision per signal, read from the index alone.
CREATE INDEX consents_latest ON consents(pair_id, user_id, signal, id, decision);
