-- What the organiser's dashboard and the funder report read: each pair's signals as the
-- organiser may see them (consent applied), kept by workspace.sharing.summary. A write to any
-- table the signals are computed from marks its pair stale in the same transaction (the
-- triggers below, so no write path can forget it, whichever module or tool makes it) and drops
-- its summary; the next read of the programme recomputes its stale pairs with the set queries
-- before it reads, under the write lock.
CREATE TABLE signal_summary (
    pair_id         TEXT PRIMARY KEY REFERENCES pairs(id) ON DELETE CASCADE,
    programme_id    TEXT NOT NULL,
    code            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    signals         TEXT NOT NULL,   -- JSON: every signal's value, null where not shared
    phase           TEXT,            -- the shared phase, else NULL (filter and chart)
    phase_rank      INTEGER,         -- its place in the phases (sort)
    meetings        INTEGER,         -- the shared number of meetings, else NULL
    activity_shared INTEGER NOT NULL,
    week            TEXT,            -- the shared ISO week of last activity, else NULL
    week_start      TEXT,            -- its Monday, "2026-11-30" (the attention filter)
    open_flags      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX signal_summary_programme ON signal_summary(programme_id, code);
-- The pair table's filters and sort keys, so that counting, filtering and sorting a programme
-- read this index alone; only the page's 50 rows are then read whole.
CREATE INDEX signal_summary_table ON signal_summary(
    programme_id, phase, open_flags, activity_shared, week_start, week, meetings, phase_rank, code
);
CREATE INDEX signal_summary_meetings ON signal_summary(programme_id, meetings);

-- Meetings per month of writing, for the pairs that share their meetings (the chart).
CREATE TABLE signal_months (
    pair_id      TEXT NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    programme_id TEXT NOT NULL,
    month        TEXT NOT NULL,
    meetings     INTEGER NOT NULL,
    PRIMARY KEY (pair_id, month)
) WITHOUT ROWID;
CREATE INDEX signal_months_programme ON signal_months(programme_id, month, meetings);

-- Pairs whose summary must be recomputed before it is read.
CREATE TABLE signal_stale (
    pair_id TEXT PRIMARY KEY REFERENCES pairs(id) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO signal_stale (pair_id) SELECT id FROM pairs;

-- Each trigger marks the pairs a write touches and drops their summary at once, so that no
-- summary row is ever older than the rows it came from (a withdrawn consent or an erased
-- member's entries leave nothing derived behind, even before the next read). NOT EXISTS rather
-- than INSERT OR IGNORE: the conflict policy of the statement that fires a trigger (an upsert's,
-- say) overrides the trigger's own. Only pairs that still exist are marked.

CREATE TRIGGER signal_stale_pair_new AFTER INSERT ON pairs BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (new.id)
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (new.id);
    DELETE FROM signal_months WHERE pair_id IN (new.id);
END;
CREATE TRIGGER signal_stale_pair_changed AFTER UPDATE ON pairs BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (old.id, new.id)
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (old.id, new.id);
    DELETE FROM signal_months WHERE pair_id IN (old.id, new.id);
END;
CREATE TRIGGER signal_stale_member_new AFTER INSERT ON pair_members BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (new.pair_id)
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (new.pair_id);
    DELETE FROM signal_months WHERE pair_id IN (new.pair_id);
END;
CREATE TRIGGER signal_stale_member_changed AFTER UPDATE ON pair_members BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (old.pair_id, new.pair_id)
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (old.pair_id, new.pair_id);
    DELETE FROM signal_months WHERE pair_id IN (old.pair_id, new.pair_id);
END;
CREATE TRIGGER signal_stale_member_gone AFTER DELETE ON pair_members BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (old.pair_id)
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (old.pair_id);
    DELETE FROM signal_months WHERE pair_id IN (old.pair_id);
END;
CREATE TRIGGER signal_stale_consent_new AFTER INSERT ON consents BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (new.pair_id)
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (new.pair_id);
    DELETE FROM signal_months WHERE pair_id IN (new.pair_id);
END;
CREATE TRIGGER signal_stale_consent_changed AFTER UPDATE ON consents BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (old.pair_id, new.pair_id)
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (old.pair_id, new.pair_id);
    DELETE FROM signal_months WHERE pair_id IN (old.pair_id, new.pair_id);
END;
CREATE TRIGGER signal_stale_consent_gone AFTER DELETE ON consents BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (old.pair_id)
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (old.pair_id);
    DELETE FROM signal_months WHERE pair_id IN (old.pair_id);
END;
CREATE TRIGGER signal_stale_notebook_new AFTER INSERT ON notebooks BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (new.pair_id)
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (new.pair_id);
    DELETE FROM signal_months WHERE pair_id IN (new.pair_id);
END;
CREATE TRIGGER signal_stale_notebook_changed AFTER UPDATE ON notebooks BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (old.pair_id, new.pair_id)
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (old.pair_id, new.pair_id);
    DELETE FROM signal_months WHERE pair_id IN (old.pair_id, new.pair_id);
END;
CREATE TRIGGER signal_stale_notebook_gone AFTER DELETE ON notebooks BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (old.pair_id)
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (old.pair_id);
    DELETE FROM signal_months WHERE pair_id IN (old.pair_id);
END;
CREATE TRIGGER signal_stale_entry_new AFTER INSERT ON entries BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (SELECT pair_id FROM notebooks WHERE id IN (new.notebook_id))
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (SELECT pair_id FROM notebooks WHERE id IN (new.notebook_id));
    DELETE FROM signal_months WHERE pair_id IN (SELECT pair_id FROM notebooks WHERE id IN (new.notebook_id));
END;
CREATE TRIGGER signal_stale_entry_changed AFTER UPDATE ON entries BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (SELECT pair_id FROM notebooks WHERE id IN (old.notebook_id, new.notebook_id))
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (SELECT pair_id FROM notebooks WHERE id IN (old.notebook_id, new.notebook_id));
    DELETE FROM signal_months WHERE pair_id IN (SELECT pair_id FROM notebooks WHERE id IN (old.notebook_id, new.notebook_id));
END;
CREATE TRIGGER signal_stale_entry_gone AFTER DELETE ON entries BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (SELECT pair_id FROM notebooks WHERE id IN (old.notebook_id))
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (SELECT pair_id FROM notebooks WHERE id IN (old.notebook_id));
    DELETE FROM signal_months WHERE pair_id IN (SELECT pair_id FROM notebooks WHERE id IN (old.notebook_id));
END;
CREATE TRIGGER signal_stale_confirmation_new AFTER INSERT ON confirmations BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (SELECT n.pair_id FROM entries e JOIN notebooks n ON n.id = e.notebook_id WHERE e.id IN (new.entry_id))
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (SELECT n.pair_id FROM entries e JOIN notebooks n ON n.id = e.notebook_id WHERE e.id IN (new.entry_id));
    DELETE FROM signal_months WHERE pair_id IN (SELECT n.pair_id FROM entries e JOIN notebooks n ON n.id = e.notebook_id WHERE e.id IN (new.entry_id));
END;
CREATE TRIGGER signal_stale_confirmation_changed AFTER UPDATE ON confirmations BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (SELECT n.pair_id FROM entries e JOIN notebooks n ON n.id = e.notebook_id WHERE e.id IN (old.entry_id, new.entry_id))
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (SELECT n.pair_id FROM entries e JOIN notebooks n ON n.id = e.notebook_id WHERE e.id IN (old.entry_id, new.entry_id));
    DELETE FROM signal_months WHERE pair_id IN (SELECT n.pair_id FROM entries e JOIN notebooks n ON n.id = e.notebook_id WHERE e.id IN (old.entry_id, new.entry_id));
END;
CREATE TRIGGER signal_stale_confirmation_gone AFTER DELETE ON confirmations BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (SELECT n.pair_id FROM entries e JOIN notebooks n ON n.id = e.notebook_id WHERE e.id IN (old.entry_id))
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (SELECT n.pair_id FROM entries e JOIN notebooks n ON n.id = e.notebook_id WHERE e.id IN (old.entry_id));
    DELETE FROM signal_months WHERE pair_id IN (SELECT n.pair_id FROM entries e JOIN notebooks n ON n.id = e.notebook_id WHERE e.id IN (old.entry_id));
END;
CREATE TRIGGER signal_stale_flag_new AFTER INSERT ON flags BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (new.pair_id)
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (new.pair_id);
    DELETE FROM signal_months WHERE pair_id IN (new.pair_id);
END;
CREATE TRIGGER signal_stale_flag_changed AFTER UPDATE ON flags BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (old.pair_id, new.pair_id)
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (old.pair_id, new.pair_id);
    DELETE FROM signal_months WHERE pair_id IN (old.pair_id, new.pair_id);
END;
CREATE TRIGGER signal_stale_flag_gone AFTER DELETE ON flags BEGIN
    INSERT INTO signal_stale (pair_id) SELECT p.id FROM pairs p
    WHERE p.id IN (old.pair_id)
    AND NOT EXISTS (SELECT 1 FROM signal_stale s WHERE s.pair_id = p.id);
    DELETE FROM signal_summary WHERE pair_id IN (old.pair_id);
    DELETE FROM signal_months WHERE pair_id IN (old.pair_id);
END;
