-- The notebook listing's version, so that its answer can be kept in memory (notebook/listing.py)
-- and never served stale. `listing_version` changes in the same transaction as any write to a
-- row the listing is made of: the notebook itself (key version, phase), its entries, their
-- confirmations and carried confirmations, the pair's members and their consents (the phase
-- and `meeting_months` come from those). Triggers, not the writing modules, so that no write
-- path (erasure, the purge, a departure, a cascade, a tool) can forget it.
--
-- Each new version is the next tick of one clock shared by all notebooks and never turned back,
-- so a version is never given twice, even to a notebook deleted and made again with the same id.
-- Only UPDATEs here: the conflict policy of the statement that fires a trigger (an upsert's, an
-- INSERT OR IGNORE's) overrides a trigger's own, and an UPDATE has no conflict to resolve.
CREATE TABLE listing_clock (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    tick INTEGER NOT NULL
) STRICT;
INSERT INTO listing_clock (id, tick) VALUES (1, 1);
ALTER TABLE notebooks ADD COLUMN listing_version INTEGER NOT NULL DEFAULT 0;
UPDATE notebooks SET listing_version = 1;

CREATE TRIGGER listing_notebook_new AFTER INSERT ON notebooks BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock) WHERE id = new.id;
END;
-- Any change but the version's own (which only these triggers make).
CREATE TRIGGER listing_notebook_changed AFTER UPDATE ON notebooks
WHEN new.listing_version IS old.listing_version BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE id IN (old.id, new.id);
END;

CREATE TRIGGER listing_entry_new AFTER INSERT ON entries BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE id IN (new.notebook_id);
END;
CREATE TRIGGER listing_entry_changed AFTER UPDATE ON entries BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE id IN (old.notebook_id, new.notebook_id);
END;
CREATE TRIGGER listing_entry_gone AFTER DELETE ON entries BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE id IN (old.notebook_id);
END;

CREATE TRIGGER listing_confirmation_new AFTER INSERT ON confirmations BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE id IN (SELECT notebook_id FROM entries WHERE id IN (new.entry_id));
END;
CREATE TRIGGER listing_confirmation_changed AFTER UPDATE ON confirmations BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE id IN (SELECT notebook_id FROM entries WHERE id IN (old.entry_id, new.entry_id));
END;
CREATE TRIGGER listing_confirmation_gone AFTER DELETE ON confirmations BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE id IN (SELECT notebook_id FROM entries WHERE id IN (old.entry_id));
END;

CREATE TRIGGER listing_carried_new AFTER INSERT ON carried_confirmations BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE id IN (SELECT notebook_id FROM entries WHERE id IN (new.entry_id));
END;
CREATE TRIGGER listing_carried_changed AFTER UPDATE ON carried_confirmations BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE id IN (SELECT notebook_id FROM entries WHERE id IN (old.entry_id, new.entry_id));
END;
CREATE TRIGGER listing_carried_gone AFTER DELETE ON carried_confirmations BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE id IN (SELECT notebook_id FROM entries WHERE id IN (old.entry_id));
END;

CREATE TRIGGER listing_member_new AFTER INSERT ON pair_members BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE pair_id IN (new.pair_id);
END;
CREATE TRIGGER listing_member_changed AFTER UPDATE ON pair_members BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE pair_id IN (old.pair_id, new.pair_id);
END;
CREATE TRIGGER listing_member_gone AFTER DELETE ON pair_members BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE pair_id IN (old.pair_id);
END;

CREATE TRIGGER listing_consent_new AFTER INSERT ON consents BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE pair_id IN (new.pair_id);
END;
CREATE TRIGGER listing_consent_changed AFTER UPDATE ON consents BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE pair_id IN (old.pair_id, new.pair_id);
END;
CREATE TRIGGER listing_consent_gone AFTER DELETE ON consents BEGIN
    UPDATE listing_clock SET tick = tick + 1;
    UPDATE notebooks SET listing_version = (SELECT tick FROM listing_clock)
    WHERE pair_id IN (old.pair_id);
END;
