"""The organiser's side of the applicant list: sealed notes on an applicant (`application_notes`),
status changes for one or many, group messages by status (`applicant_mailings` logs who sent one
to which group and how many got it, never the text) and applicants imported from a spreadsheet
(sealed in the organiser's browser, stored all or nothing)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workspace.core import clock, db, mail
from workspace.core.i18n import mail_locale
from workspace.flags import queries as flags
from workspace.recruitment import applying, queries

Row = db.sqlcipher3.Row

STATUS_NAMES: dict[str, Any] = {
    "new": _l("New"),
    "in_contact": _l("In contact"),
    "accepted": _l("Accepted"),
    "waiting": _l("Waiting list"),
    "not_selected": _l("Not selected"),
    "withdrawn": _l("Withdrawn"),
    "paired": _l("Paired"),
}
ROLE_NAMES: dict[str, Any] = {"mentor": _l("Mentor"), "mentee": _l("Mentee")}
MAX_IMPORT = 500
MAX_SUBJECT, MAX_TEXT = 150, 5000


# --- notes -----------------------------------------------------------------------------------


def organiser_ids(conn: db.Connection, programme_id: str) -> set[str]:
    """The organisers with keys: every sealed note and imported row has one copy for each."""
    return {r["id"] for r in flags.organisers(conn, programme_id)}


def notes_for(conn: db.Connection, programme_id: str) -> dict[str, list[Row]]:
    """Every note in the programme, oldest first, by application id."""
    rows = conn.execute(
        "SELECT n.* FROM application_notes n JOIN applications a ON a.id = n.application_id "
        "WHERE a.programme_id = ? ORDER BY n.created_at, n.id",
        (programme_id,),
    ).fetchall()
    out: dict[str, list[Row]] = {}
    for row in rows:
        out.setdefault(row["application_id"], []).append(row)
    return out


def note_exists(conn: db.Connection, note_id: str) -> bool:
    """Whether a note with this id was stored (a retried save is not a second note)."""
    return (
        conn.execute("SELECT 1 FROM application_notes WHERE id = ?", (note_id,)).fetchone()
        is not None
    )


def add_note(
    conn: db.Connection,
    note_id: str,
    application_id: str,
    author_id: str,
    copies: list[tuple[str, str]],
) -> None:
    """Store a note sealed once for each organiser (caller holds the transaction)."""
    conn.execute(
        "INSERT INTO application_notes (id, application_id, author_id, copies, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            note_id,
            application_id,
            author_id,
            json.dumps({r: json.loads(s) for r, s in copies}, separators=(",", ":")),
            clock.iso(),
        ),
    )


def delete_notes(conn: db.Connection, programme_id: str, application_ids: list[str]) -> None:
    """Delete the notes on these applications of the programme."""
    conn.execute(
        "DELETE FROM application_notes WHERE application_id IN (SELECT id FROM applications "
        "WHERE programme_id = ? AND id IN (SELECT value FROM json_each(?)))",
        (programme_id, json.dumps(application_ids)),
    )


def note_copy(row: Row, recipient_id: str) -> Any | None:
    """The copy of a note sealed to this organiser, or None."""
    return json.loads(row["copies"]).get(recipient_id)


# --- status ----------------------------------------------------------------------------------


def change_status(
    conn: db.Connection, programme_id: str, application_ids: list[str], status: str
) -> int:
    """Set the status of these applications of the programme; return how many changed. Once
    paired, nothing of the application stays: its copies, links and bundle go (queries) and so
    do the organisers' notes on it."""
    if status == "paired":
        delete_notes(conn, programme_id, application_ids)
    return queries.set_status(conn, programme_id, application_ids, status)


# --- group messages --------------------------------------------------------------------------


def recipients(conn: db.Connection, programme_id: str, status: str, role: str | None) -> list[Row]:
    """The applicants of the programme with this status (and role, when given)."""
    return conn.execute(
        "SELECT * FROM applications WHERE programme_id = ? AND status = ? "
        "AND (? IS NULL OR role = ?) ORDER BY created_at",
        (programme_id, status, role, role),
    ).fetchall()


def _contact(call: Any | None, sender: Any) -> tuple[str, str]:
    if call is not None and call["contact_email"]:
        return call["contact_name"] or call["contact_email"], call["contact_email"]
    return sender["display_name"] or sender["email"], sender["email"]


def send_group_message(
    conn: db.Connection,
    programme: Any,
    sender: Any,
    status: str,
    role: str | None,
    subject: str,
    text: str,
) -> int:
    """Queue the organiser's message to every applicant of the group, each in their own
    language, naming the programme and the contact person; log who sent it to which group and
    how many got it (never the subject or text). Return how many were queued."""
    people = recipients(conn, programme["id"], status, role)
    calls = {c["role"]: c for c in queries.calls(conn, programme["id"])}
    for person in people:
        name, email = _contact(calls.get(person["role"]), sender)
        with force_locale(mail_locale(None, person["language"])):
            footer = "\n".join(
                [
                    _(
                        "You get this message because you applied to %(programme)s.",
                        programme=programme["name"],
                    ),
                    _("Questions? Contact %(name)s, %(email)s.", name=name, email=email),
                ]
            )
            full_subject = f"{programme['name']}: {subject}"
        mail.enqueue(conn, person["email"], full_subject, f"{text}\n\n-- \n{footer}")
    conn.execute(
        "INSERT INTO applicant_mailings (programme_id, sent_by, status_group, recipients, "
        "sent_at) VALUES (?, ?, ?, ?, ?)",
        (programme["id"], sender["id"], _group(status, role), len(people), clock.iso()),
    )
    return len(people)


def _group(status: str, role: str | None) -> str:
    return f"{role}:{status}" if role else status


def mailings(conn: db.Connection, programme_id: str) -> list[Row]:
    """The group messages sent in the programme, newest first, with the sender's name."""
    return conn.execute(
        "SELECT m.*, u.display_name AS sender_name FROM applicant_mailings m "
        "LEFT JOIN users u ON u.id = m.sent_by WHERE m.programme_id = ? ORDER BY m.id DESC",
        (programme_id,),
    ).fetchall()


def group_name(status_group: str) -> str:
    """A logged group in words: "Mentee · Not selected", or the status alone."""
    role, _sep, status = status_group.rpartition(":")
    words = str(STATUS_NAMES.get(status, status))
    return f"{ROLE_NAMES[role]} · {words}" if role in ROLE_NAMES else words


# --- import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """What is wrong with one imported row (counted from 1, as the preview shows them)."""

    row: int
    field: str
    message: str

    def json(self) -> dict[str, Any]:
        """The shape the 400 lists."""
        return {"row": self.row, "field": self.field, "message": self.message}


_FIELD_MESSAGES: dict[str, Any] = {
    "body": _l("This row has missing or unknown parts."),
    "application_id": _l("This row's id is not valid."),
    "email": _l("This email address is not valid."),
    "language": _l("Choose Finnish or English for this applicant's mail."),
    "bundle": _l("This row's keys could not be checked."),
    "copies": _l("This row must be sealed once for each organiser."),
    "role": _l("Choose mentor or mentee."),
}


def check_import(
    conn: db.Connection, programme_id: str, rows: Any
) -> tuple[list[tuple[str, applying.Submission]], list[RowError]]:
    """Every row checked as an application from the form would be, plus: the id is new, the
    email has not applied for that role yet, and no email appears twice for a role."""
    if not isinstance(rows, list) or not rows:
        return [], [RowError(0, "applications", str(_("There are no applicants to import.")))]
    if len(rows) > MAX_IMPORT:
        message = _("At most %(n)s applicants at once.", n=MAX_IMPORT)
        return [], [RowError(0, "applications", message)]
    recipients_ids = organiser_ids(conn, programme_id)
    checked: list[tuple[str, applying.Submission]] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    ids: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or row.get("role") not in ("mentor", "mentee"):
            errors.append(RowError(number, "role", str(_FIELD_MESSAGES["role"])))
            continue
        role = row["role"]
        envelope = {k: v for k, v in row.items() if k != "role"}
        try:
            submission = applying.check(envelope, recipients_ids)
        except applying.Refused as refused:
            message = _FIELD_MESSAGES.get(refused.field, _FIELD_MESSAGES["body"])
            errors.append(RowError(number, refused.field, str(message)))
            continue
        key = (role, submission.email.lower())
        if key in seen:
            message = _("This email is already on row %(row)s for the same role.", row=seen[key])
            errors.append(RowError(number, "email", message))
            continue
        seen[key] = number
        if submission.application_id in ids or queries.application(conn, submission.application_id):
            errors.append(
                RowError(number, "application_id", str(_FIELD_MESSAGES["application_id"]))
            )
            continue
        ids.add(submission.application_id)
        if queries.find_application(conn, programme_id, role, submission.email):
            message = _("This person has already applied to this programme in this role.")
            errors.append(RowError(number, "email", message))
            continue
        checked.append((role, submission))
    return checked, errors


def import_applications(
    conn: db.Connection, programme_id: str, rows: list[tuple[str, applying.Submission]]
) -> int:
    """Store every checked row as an imported application (caller holds the one transaction)."""
    for role, s in rows:
        queries.insert_application(
            conn,
            application_id=s.application_id,
            programme_id=programme_id,
            role=role,
            email=s.email,
            language=s.language,
            bundle=s.bundle,
            copies=s.copies,
            source="import",
        )
    return len(rows)
