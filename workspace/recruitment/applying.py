"""An application arriving: its checks (the server sees only the envelope: email, language, the
one-time bundle and one sealed copy per organiser), storing it or holding a repeat until the
applicant confirms it by email, and the applicant's links."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email

import crypto
from workspace.core import clock, db, i18n
from workspace.core.jsonapi import ID_RE
from workspace.flags.queries import check_copies
from workspace.recruitment import mails, queries

LANGUAGES = tuple(i18n.LANGUAGES)
MAX_SEALED_CHARS = 200_000  # one copy; the longest form answered in full fits well inside
UPDATE_DAYS = 7


class Refused(Exception):
    """The submission is refused; `field` names what is wrong (for the 400's `field`)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


@dataclass(frozen=True)
class Submission:
    """A checked submission, ready to store."""

    application_id: str
    email: str
    language: str
    bundle: str
    copies: list[tuple[str, str]]


def check(data: dict[str, Any], organiser_ids: set[str]) -> Submission:
    """The submission's envelope, checked strictly, or Refused(field)."""
    allowed = {"application_id", "email", "language", "bundle", "copies"}
    if set(data) != allowed:
        raise Refused("body")
    application_id = data["application_id"]
    if not isinstance(application_id, str) or not ID_RE.match(application_id):
        raise Refused("application_id")
    email = data["email"]
    if not isinstance(email, str) or len(email) > 254:
        raise Refused("email")
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        raise Refused("email") from None
    if data["language"] not in LANGUAGES:
        raise Refused("language")
    try:
        bundle = crypto.verify_bundle(data["bundle"], application_id)
    except (crypto.CryptoError, TypeError, ValueError):
        raise Refused("bundle") from None
    copies = data["copies"]
    if not organiser_ids:
        raise Refused("copies")
    if isinstance(copies, list) and any(
        not isinstance(c, dict) or len(json.dumps(c.get("sealed"))) > MAX_SEALED_CHARS
        for c in copies
    ):
        raise Refused("copies")
    try:
        checked = check_copies(copies, organiser_ids)
    except ValueError:
        raise Refused("copies") from None
    return Submission(
        application_id,
        email,
        data["language"],
        json.dumps(bundle.to_json(), separators=(",", ":")),
        checked,
    )


def deletion_day(recruitment: Any, programme: Any) -> date:
    """The day non-paired applications of the programme are deleted."""
    return date.fromisoformat(programme["start_date"]) + timedelta(days=recruitment["keep_days"])


def status_expiry(recruitment: Any, programme: Any) -> str:
    """A status link lives until the application is deleted (and at least a month)."""
    end = max(deletion_day(recruitment, programme), clock.now().date() + timedelta(days=30))
    return f"{end.isoformat()}T23:59:59Z"


def receive(
    conn: db.Connection, recruitment: Any, programme: Any, call: Any, sub: Submission
) -> str:
    """Store a new application and queue its acknowledgement, or hold a repeat of the same
    email, role and programme until confirmed by email. Return "received" or "confirm".
    The caller holds the transaction and checked that the call is open."""
    if queries.application(conn, sub.application_id) is not None:
        raise Refused("application_id")
    earlier = queries.find_application(conn, call["programme_id"], call["role"], sub.email)
    if earlier is not None:
        queries.delete_update_tokens(conn, earlier["id"])
        pending = {
            "application_id": sub.application_id,
            "language": sub.language,
            "bundle": sub.bundle,
            "copies": sub.copies,
        }
        token = queries.create_token(
            conn,
            earlier["id"],
            "update",
            clock.iso(clock.now() + timedelta(days=UPDATE_DAYS)),
            pending,
        )
        mails.confirm_update(conn, earlier["email"], sub.language, programme, call, token)
        return "confirm"
    queries.insert_application(
        conn,
        application_id=sub.application_id,
        programme_id=call["programme_id"],
        role=call["role"],
        email=sub.email,
        language=sub.language,
        bundle=sub.bundle,
        copies=sub.copies,
        source="form",
    )
    token = queries.create_token(
        conn, sub.application_id, "status", status_expiry(recruitment, programme)
    )
    mails.acknowledge(
        conn, sub.email, sub.language, programme, call, token, deletion_day(recruitment, programme)
    )
    return "received"


def confirm_update(conn: db.Connection, link: Any, organiser_ids: set[str]) -> str | None:
    """Apply a confirmed repeat; return the new application id, or None when the organisers
    changed since it was sealed (the copies no longer match) or it was paired meanwhile."""
    pending = json.loads(link["pending"])
    queries.delete_token(conn, link["token_hash"])
    copies = [(r, s) for r, s in pending["copies"]]
    if link["status"] == "paired" or {r for r, _s in copies} != organiser_ids:
        return None
    queries.replace_application(
        conn,
        link,
        application_id=pending["application_id"],
        language=pending["language"],
        bundle=pending["bundle"],
        copies=copies,
    )
    return pending["application_id"]
