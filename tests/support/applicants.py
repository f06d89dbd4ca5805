"""The organiser's side of the applicant list as the browser drives it, for server tests: a note
sealed once for every organiser, and imported rows sealed as the import page seals them."""

from __future__ import annotations

from typing import Any

import crypto
from memberclient.client import Client
from memberclient.recruitment import seal_application

NOTE_FORMAT = "pairbook/applicant-note/v1"


def applications_path(programme_id: str, tail: str = "") -> str:
    """The applicant list's API address (with `tail`, one of its actions)."""
    return f"/api/v1/organiser/programmes/{programme_id}/applications{tail}"


def seal_note(organiser: Client, programme_id: str, text: str) -> dict[str, Any]:
    """`{note_id, copies}`: `text` sealed by the organiser once for every organiser."""
    secrets = organiser._require_secrets()
    data = organiser.request("GET", applications_path(programme_id))
    note_id = crypto.new_entry_id()
    copies = []
    for o in data["organisers"]:
        bundle = crypto.verify_bundle(o["bundle"], o["user_id"])
        ctx = crypto.SealContext(
            "applicant-note", programme_id, note_id, organiser.user_id or "", o["user_id"]
        )
        body = {"schema": 1, "format": NOTE_FORMAT, "text": text}
        copies.append(
            {
                "recipient_id": o["user_id"],
                "sealed": crypto.seal_message(secrets.identity, bundle, ctx, body),
            }
        )
    return {"note_id": note_id, "copies": copies}


def sealed_rows(
    organiser: Client, programme_id: str, answers: dict[str, Any], emails: list[str]
) -> list[dict[str, Any]]:
    """Import rows of mentees with these emails, each sealed to the programme's organisers."""
    organisers = organiser.request("GET", applications_path(programme_id))["organisers"]
    rows = []
    for email in emails:
        sealed = seal_application(programme_id, "mentee", answers, organisers)
        rows.append({**sealed, "role": "mentee", "email": email, "language": "fi"})
    return rows
