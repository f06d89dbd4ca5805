"""Planning notes sealed as the browser seals them (docs/PROTOCOL.md §8, `planning-note`), for
the server tests, the OpenAPI flow and the demo."""

from __future__ import annotations

from typing import Any

import crypto
from memberclient.client import Client

NOTE_TYPE = "planning-note"
NOTE_FORMAT = "pairbook/planning-note/v1"


def sealed_note(organiser: Client, programme_id: str, text: str) -> dict[str, Any]:
    """A PUT body for …/planning/<item>/note: the text sealed once for each organiser."""
    data = organiser.request("GET", f"/api/v1/organiser/programmes/{programme_id}/planning/notes")
    identity = organiser._require_secrets().identity
    note_id = crypto.new_entry_id()
    copies = []
    for o in data["organisers"]:
        ctx = crypto.SealContext(
            NOTE_TYPE, programme_id, note_id, organiser.user_id or "", o["user_id"]
        )
        body = {"schema": 1, "format": NOTE_FORMAT, "text": text}
        bundle = crypto.verify_bundle(o["bundle"], o["user_id"])
        copies.append(
            {
                "recipient_id": o["user_id"],
                "sealed": crypto.seal_message(identity, bundle, ctx, body),
            }
        )
    return {"note_id": note_id, "copies": copies}
