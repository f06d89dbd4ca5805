-- The month a meeting took place ("2026-11"), stated by the member's client as metadata while
-- the pair shares its meetings with the organiser (docs/PROTOCOL.md §7.2), and only then: NULL
-- otherwise, and for every other kind of entry. Meetings per month count a meeting in this
-- month, or in the month it was logged when there is none.
ALTER TABLE entries ADD COLUMN meeting_month TEXT CHECK (
    meeting_month IS NULL
    OR (entry_type = 'meeting' AND meeting_month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]')
);
