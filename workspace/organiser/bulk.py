"""Many pairs at once from a CSV of mentor and mentee email addresses: every row is checked
first, and the pairs are formed (invitations queued) only when no row has a problem."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from workspace.accounts import queries as accounts
from workspace.core import audit, db
from workspace.organiser import programmes

MAX_ROWS = 500
MAX_BYTES = 512 * 1024
_HEADER_WORDS = ("mentor", "mentee", "aktori", "email", "sähköposti", "e-mail")


@dataclass
class Row:
    """One line of the file: its number (as a spreadsheet counts), the two addresses and what
    is wrong with it (nothing, when `errors` is empty)."""

    line: int
    mentor: str
    mentee: str
    errors: list[str] = field(default_factory=list)


@dataclass
class Checked:
    """The rows of a file and a problem with the file as a whole (empty, too long, not text)."""

    rows: list[Row]
    problem: str = ""

    @property
    def ok(self) -> bool:
        """Nothing wrong anywhere: the pairs may be formed."""
        return not self.problem and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def bad_rows(self) -> list[Row]:
        """The rows that have a problem."""
        return [r for r in self.rows if r.errors]


def decode(raw: bytes) -> str | None:
    """The text of an uploaded file: UTF-8 (with or without a byte order mark), else the
    Windows encoding spreadsheets on Finnish machines save in; None for a binary file."""
    if b"\x00" in raw:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _dialect(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    for delimiter in (";", "\t", ","):
        if delimiter in first:
            return delimiter
    return ","


def _is_header(cells: list[str]) -> bool:
    return all("@" not in c for c in cells) and any(
        w in " ".join(cells).lower() for w in _HEADER_WORDS
    )


def _address(value: str) -> tuple[str, str]:
    """The normalised address and an error ("" when it is a whole address)."""
    value = value.strip()
    if not value:
        return "", _("An email address is missing.")
    if len(value) > 254:
        return value, _("%(address)s is too long for an email address.", address=value[:40])
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return value, _("%(address)s is not a whole email address.", address=value)
    return accounts.normalise_email(value), ""


def parse(text: str) -> Checked:
    """Read the CSV (comma, semicolon or tab separated; an optional header row) into rows, each
    with the problems found in it alone."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        return Checked([], _("The list is too long: at most %(n)s pairs at once.", n=MAX_ROWS))
    reader = csv.reader(io.StringIO(text), delimiter=_dialect(text), strict=True)
    rows: list[Row] = []
    try:
        for number, cells in enumerate(reader, start=1):
            cells = [c.strip() for c in cells]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            if not rows and _is_header(cells):
                continue
            if len(rows) >= MAX_ROWS:
                return Checked(
                    [], _("The list is too long: at most %(n)s pairs at once.", n=MAX_ROWS)
                )
            rows.append(_row(number, cells))
    except csv.Error:
        return Checked([], _("The list could not be read as CSV. Check the quotation marks."))
    if not rows:
        return Checked([], _("The list has no pairs. Write one pair per line: mentor, mentee."))
    return Checked(rows)


def _row(number: int, cells: list[str]) -> Row:
    if len(cells) != 2:
        row = Row(number, cells[0] if cells else "", cells[1] if len(cells) > 1 else "")
        row.errors.append(
            _(
                "A line needs exactly two addresses, the mentor's and the mentee's (found %(n)s).",
                n=len(cells),
            )
        )
        return row
    mentor, mentor_error = _address(cells[0])
    mentee, mentee_error = _address(cells[1])
    row = Row(number, mentor, mentee)
    row.errors.extend(e for e in (mentor_error, mentee_error) if e)
    if not row.errors and mentor == mentee:
        row.errors.append(_("The mentor and the mentee need different email addresses."))
    return row


def check(conn: db.Connection, checked: Checked) -> Checked:
    """Add the problems that need the other rows or the database: the same pair twice, one
    person as a mentor on one line and a mentee on another, organiser accounts."""
    if checked.problem:
        return checked
    seen: dict[tuple[str, str], int] = {}
    roles: dict[str, tuple[str, int]] = {}
    for row in checked.rows:
        if row.errors:
            continue
        key = (row.mentor, row.mentee)
        if key in seen:
            row.errors.append(_("The same pair is already on line %(line)s.", line=seen[key]))
            continue
        seen[key] = row.line
        for address, role in ((row.mentor, "mentor"), (row.mentee, "mentee")):
            earlier = roles.setdefault(address, (role, row.line))
            if earlier[0] != role:
                row.errors.append(
                    _(
                        "%(address)s is a mentor on one line and a mentee on another "
                        "(line %(line)s).",
                        address=address,
                        line=earlier[1],
                    )
                )
            user = accounts.user_by_email(conn, address)
            if user is not None and user["role"] == "organiser":
                row.errors.append(
                    _(
                        "%(address)s is an organiser account and cannot be a pair member.",
                        address=address,
                    )
                )
    return checked


def form_pairs(conn: db.Connection, programme: Any, rows: list[Row], actor_id: str) -> list[Any]:
    """Form every pair and queue both invitations of each, audited as one pair at a time would
    be; the caller holds the one transaction, so either all pairs exist or none."""
    formed = []
    for row in rows:
        pair, _tokens = programmes.form_pair(conn, programme, row.mentor, row.mentee)
        audit.record(conn, programme["id"], actor_id, "pair.created", pair["code"])
        audit.record(conn, programme["id"], actor_id, "invitation.sent", f"{pair['code']}:mentor")
        audit.record(conn, programme["id"], actor_id, "invitation.sent", f"{pair['code']}:mentee")
        formed.append(pair)
    return formed
