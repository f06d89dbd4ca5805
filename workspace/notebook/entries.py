"""A sealed entry on the wire: its envelope checked on the way in, its JSON on the way out.

The notebook's API and the data-rights API (export, re-sealing before erasure) share these.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask_babel import gettext as _

import crypto
from workspace.core.jsonapi import fail, obj

MAX_ENVELOPE = 1_500_000
_MONTH = re.compile(r"(?:19|20|21)\d\d-(?:0[1-9]|1[0-2])")


def stated_meeting_month(data: dict[str, Any], entry_type: str, shared: bool) -> str | None:
    """The meeting's month ("2026-11") the member's client states beside a meeting's envelope,
    kept only while the pair shares its meetings with the organiser (`shared`); None when not
    stated or not shared. Anything else than a year and month on a meeting is refused."""
    value = data.get("meeting_month")
    if value is None:
        return None
    if entry_type != "meeting" or not isinstance(value, str) or not _MONTH.fullmatch(value):
        fail(
            400,
            _("The meeting's month must be a year and a month, such as 2026-11."),
            field="meeting_month",
        )
    return value if shared else None


def refuse_old_key(key_version: int, *, rotation_due: bool = False) -> None:
    """409 for a write sealed under another key than the notebook's newest (after a rotation,
    docs/PROTOCOL.md §13), or under the newest while a new one is due: the body names the current
    `key_version` (and `rotation_due`), and the client reloads its keys, renews the key when it is
    due, and seals the same words again."""
    fail(
        409,
        _("The entry was encrypted with an old key. Reload the page."),
        key_version=key_version,
        rotation_due=rotation_due,
    )


def checked_envelope(data: dict[str, Any], key_version: int) -> tuple[str, int]:
    """Check the envelope's shape (not its content: the server cannot open it) and that it is
    sealed under the notebook's newest key, `key_version`."""
    raw = obj(data, "envelope")
    try:
        parsed = crypto.parse_envelope(raw)
    except crypto.CryptoError:
        fail(400, _("The encrypted entry is not in the expected format."))
    if parsed.kv < key_version:
        refuse_old_key(key_version)
    if parsed.kv != key_version:
        # No client holds a key the notebook has not reached: not a race, a bad request.
        fail(400, _("The entry was encrypted with an old key. Reload the page."))
    text = json.dumps(raw, separators=(",", ":"), sort_keys=True)
    if len(text) > MAX_ENVELOPE:
        fail(413, _("This entry is too long."))
    return text, len(parsed.ct)


def entry_json(row: Any) -> dict[str, Any]:
    """The metadata and ciphertext of one entry, as the members' clients get it."""
    return {
        "entry_id": row["id"],
        "type": row["entry_type"],
        "revision": row["revision"],
        "key_version": row["key_version"],
        "author_id": row["author_id"],
        "created_by": row["created_by"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "done": bool(row["done"]),
        "meeting_month": row["meeting_month"],
        "envelope": json.loads(row["envelope"]),
    }


def entry_text(row: Any, *, sealed: bool = True) -> str:
    """`entry_json(row)` as compact JSON text, without parsing the envelope (`"envelope": null`
    unless `sealed`: the client asked only for what changed, and holds this one opened)."""
    # The notebook's hot path: hundreds of entries per page. Every value here is an id, a
    # fixed-format timestamp or an integer checked on the way in, and the envelope is stored as
    # compact JSON, so the text is assembled directly instead of parsed and re-serialised.
    created_by = f'"{row["created_by"]}"' if row["created_by"] else "null"
    month = f'"{row["meeting_month"]}"' if row["meeting_month"] else "null"
    return (
        f'{{"entry_id":"{row["id"]}","type":"{row["entry_type"]}",'
        f'"revision":{int(row["revision"])},"key_version":{int(row["key_version"])},'
        f'"author_id":"{row["author_id"]}",'
        f'"created_by":{created_by},"created_at":"{row["created_at"]}",'
        f'"updated_at":"{row["updated_at"]}","done":{"true" if row["done"] else "false"},'
        f'"meeting_month":{month},"envelope":{row["envelope"] if sealed else "null"}}}'
    )
