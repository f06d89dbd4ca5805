"""JSON API for the pair notebook: sealed entries with revision checks, confirmations, phase."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, NoReturn

from flask import Blueprint, Response, jsonify, request
from flask_babel import format_date
from flask_babel import gettext as _

import crypto
from workspace.accounts import sessions as auth
from workspace.accounts.queries import key_material
from workspace.communication import notifications
from workspace.core import clock, compress, logs
from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import b64u, body, fail, ident, integer, not_found
from workspace.notebook import listing, phase
from workspace.notebook import queries as notebook
from workspace.notebook.entries import (
    checked_envelope,
    entry_json,
    refuse_old_key,
    stated_meeting_month,
)
from workspace.pairs import queries as pairs
from workspace.pairs.access import my_pair
from workspace.rights.departures import paused_message
from workspace.sharing import signals

bp = Blueprint("notebook_api", __name__, url_prefix="/api/v1/pairs/<pair_id>")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
MAX_NEWEST = 100
_COUNT = re.compile(r"[0-9]{1,3}")


def _context(pair_id: str, *, write: bool = True) -> tuple[Any, Any, list[str]]:
    """The pair (404 unless I am a member), its notebook (404 if none) and member ids."""
    pair = my_pair(pair_id)
    if write and pairs.paused(pair):
        fail(409, paused_message())
    if write and pairs.read_only(pair):
        fail(409, _("This pair has ended. You can still read and download your notebook."))
    conn = get_db()
    book = pairs.notebook_for_pair(conn, pair_id)
    if book is None:
        not_found()
    return pair, book, pairs.member_ids(conn, pair_id)


def _shares_meetings(conn: Any, pair_id: str) -> bool:
    """Whether both members share their meetings with the organiser: only then does a meeting
    carry its month as metadata."""
    return "meetings" in signals.shared(conn, pair_id)


def _refuse_before_start(pair: Any, what: str) -> None:
    """A 400 naming the programme's start when the mentoring would end before it began."""
    programme = pairs.programme(get_db(), pair["programme_id"])
    start = programme["start_date"] if programme else None
    if not phase.too_early(clock.now().date().isoformat(), start):
        return
    starts = format_date(date.fromisoformat(start), "long")
    if what == "phase":
        message = _(
            "The programme starts on %(date)s. The mentoring can be moved to closing or "
            "completed from then on.",
            date=starts,
        )
    else:
        message = _(
            "The programme starts on %(date)s. You can mark your evaluation finished from "
            "then on; save it unfinished until then.",
            date=starts,
        )
    fail(400, message, field=what)


def _phase_json(
    conn: Any, book: Any, members: list[str], rows: list[Any] | None = None
) -> dict[str, Any]:
    return phase.state(book, notebook.derived_phase(conn, book["id"], members, rows))


def _entry(conn: Any, book: Any, entry_id: str) -> Any:
    """One entry of this notebook, or 404 (another notebook's entry is not found either)."""
    row = notebook.entry(conn, book["id"], entry_id)
    if row is None:
        not_found()
    return row


def _newer_version(conn: Any, book: Any, entry_id: str) -> NoReturn:
    """A write that lost the race: 409 with the version now stored, or 404 if it was deleted
    since it was looked up."""
    current = _entry(conn, book, entry_id)
    fail(409, _("Your partner saved a newer version."), current=entry_json(current))


def _still_newest(conn: Any, notebook_id: str, kv: int) -> None:
    """Inside the write's transaction: a rotation that landed since the envelope was checked
    makes it an old-key write too; and while a rotation is due, the current key is one that a
    member who left may have kept, so nothing new is written under it."""
    current = notebook.key_version(conn, notebook_id)
    if current != kv or notebook.rotation_due(conn, notebook_id):
        refuse_old_key(current, rotation_due=notebook.rotation_due(conn, notebook_id))


def _newest(value: str | None, since: str | None) -> int | None:
    """`?newest=N` (1–100): only the N entries written last, for a first page drawn before the
    whole listing arrives; not with `since`, which asks for what changed instead."""
    if value is None:
        return None
    if since is not None or not _COUNT.fullmatch(value) or not 1 <= int(value) <= MAX_NEWEST:
        fail(400, _("The field %(field)s is missing or not valid.", field="newest"), field="newest")
    return int(value)


@bp.get("/entries")
@auth.login_required
def list_entries(pair_id: str) -> Response:
    """The pair's sealed entries, oldest first (only the kinds named by `?type=`, if any), with
    the confirmations of each entry's current revision, members' confirmations of older
    revisions, and the phase (notebook.listing builds it, and keeps it per notebook version)."""
    pair = my_pair(pair_id)
    types = tuple(dict.fromkeys(request.args.getlist("type")))
    if any(t not in notebook.ENTRY_TYPES for t in types):
        fail(400, _("The field %(field)s is missing or not valid.", field="type"))
    since = request.args.get("since")
    if since is not None and not _TIMESTAMP.fullmatch(since):
        fail(400, _("The field %(field)s is missing or not valid.", field="since"), field="since")
    newest = _newest(request.args.get("newest"), since)
    found = listing.listing(get_db(), pair, types, since, newest)
    if found is None:
        not_found()
    key, kept = found
    chosen = compress.encoding() if len(kept.body) >= compress.MIN_BYTES else None
    etag = f"{kept.etag}-{chosen}" if chosen else kept.etag
    if etag in request.if_none_match:
        answer = Response(status=304)
    elif chosen:
        answer = Response(listing.packed(key, kept, chosen, compress.pack))
        answer.headers["Content-Encoding"] = chosen
    else:
        answer = Response(kept.body)
    answer.mimetype = "application/json"
    answer.set_etag(etag)
    return answer


@bp.post("/entries")
@auth.login_required
def create_entry(pair_id: str) -> tuple[Response, int]:
    """Store a new sealed entry (revision 1, authored by me)."""
    pair, book, members = _context(pair_id)
    data = body()
    entry_id = ident(data, "entry_id")
    entry_type = data.get("type")
    if entry_type not in notebook.ENTRY_TYPES:
        fail(400, _("The field %(field)s is missing or not valid.", field="type"))
    envelope, size = checked_envelope(data, book["key_version"])
    if entry_type == "evaluation" and data.get("done") is True:
        _refuse_before_start(pair, "done")
    me = auth.current_user()["id"]
    conn = get_db()
    kv = book["key_version"]
    with transaction(conn):
        _still_newest(conn, book["id"], kv)
        month = stated_meeting_month(data, entry_type, _shares_meetings(conn, pair_id))
        before = notebook.phase_before_write(conn, book["id"], members)
        if notebook.entry_exists(conn, entry_id):
            fail(409, _("This entry already exists."))
        existing = notebook.existing_part(conn, book["id"], entry_type, me)
        if entry_type in (*notebook.SINGLETONS, "evaluation") and existing:
            fail(409, _("This notebook already has this part."), entry_id=existing["id"])
        notebook.create_entry(
            conn,
            book["id"],
            entry_id,
            entry_type,
            me,
            envelope,
            size,
            done=data.get("done") is True,
            meeting_month=month,
            key_version=kv,
        )
        notebook.release_phase_override(conn, book["id"], members, before)
        row = notebook.entry(conn, book["id"], entry_id)
        notifications.entry_saved(conn, pair_id, me, entry_type)
    return jsonify(entry_json(row)), 201


@bp.put("/entries/<entry_id>")
@auth.login_required
def update_entry(pair_id: str, entry_id: str) -> Response:
    """Replace an entry if the client edited the current revision; otherwise 409 with it."""
    pair, book, members = _context(pair_id)
    conn = get_db()
    row = _entry(conn, book, entry_id)
    data = body()
    base = integer(data, "base_revision")
    envelope, size = checked_envelope(data, book["key_version"])
    me = auth.current_user()["id"]
    if row["entry_type"] == "evaluation" and row["created_by"] != me:
        not_found()
    if row["entry_type"] == "evaluation" and data.get("done") is True and not row["done"]:
        _refuse_before_start(pair, "done")
    kv = book["key_version"]
    with transaction(conn):
        _still_newest(conn, book["id"], kv)
        month = stated_meeting_month(data, row["entry_type"], _shares_meetings(conn, pair_id))
        before = notebook.phase_before_write(conn, book["id"], members)
        done = data.get("done") is True
        if not notebook.update_entry(
            conn, entry_id, base, me, envelope, size, done=done, meeting_month=month, key_version=kv
        ):
            _newer_version(conn, book, entry_id)
        notebook.release_phase_override(conn, book["id"], members, before)
        row = notebook.entry(conn, book["id"], entry_id)
        notifications.entry_saved(conn, pair_id, me, row["entry_type"])
    return jsonify(entry_json(row))


@bp.delete("/entries/<entry_id>")
@auth.login_required
def delete_entry(pair_id: str, entry_id: str) -> Response:
    """Delete a meeting or a goal for both members if the client has seen its current revision;
    otherwise 409 with the current one, so nobody deletes words they have not read."""
    _pair, book, _members = _context(pair_id)
    conn = get_db()
    row = _entry(conn, book, entry_id)
    revision = integer(body(), "revision")
    if row["entry_type"] not in notebook.DELETABLE:
        fail(
            400,
            _(
                "Only a meeting or a goal can be deleted. "
                "Change the other parts of the notebook instead."
            ),
        )
    with transaction(conn):
        if not notebook.delete_entry(conn, book["id"], entry_id, revision):
            _newer_version(conn, book, entry_id)
    logs.event("entry.deleted", by=auth.current_user()["id"], pair=pair_id, type=row["entry_type"])
    return jsonify({"entry_id": entry_id, "deleted": True})


def _checked_signature(conn: Any, book: Any, row: Any, me: str, sig: str) -> None:
    """The member's signature over this exact revision (§7.1), checked with their bundle."""
    material = key_material(conn, me)
    try:
        signer = crypto.verify_bundle(json.loads(material["bundle"]), me)
        ctx = crypto.EntryContext(
            book["id"],
            row["id"],
            row["entry_type"],
            row["key_version"],
            row["revision"],
            row["author_id"],
        )
        crypto.verify_confirmation(signer, ctx, row["envelope"], sig)
    except (crypto.CryptoError, TypeError, ValueError):
        fail(400, _("The confirmation's signature is not valid. Reload the page and try again."))


@bp.post("/entries/<entry_id>/confirm")
@auth.login_required
def confirm_entry(pair_id: str, entry_id: str) -> Response:
    """Confirm one exact revision of the agreement, signed by the member."""
    pair, book, members = _context(pair_id)
    conn = get_db()
    row = notebook.entry(conn, book["id"], entry_id)
    if row is None or row["entry_type"] != "agreement":
        not_found()
    data = body()
    revision = integer(data, "revision")
    sig = b64u(data, "sig", max_len=128)
    if revision != row["revision"]:
        fail(
            409,
            _("The agreement changed. Read the new version before you confirm."),
            current=entry_json(row),
        )
    me = auth.current_user()["id"]
    _checked_signature(conn, book, row, me, sig)
    with transaction(conn):
        before = notebook.phase_before_write(conn, book["id"], members)
        notebook.store_confirmation(
            conn,
            entry_id,
            me,
            revision,
            row["envelope"],
            sig,
            row["author_id"],
            crypto.confirmation_digest(row["envelope"]),
            row["key_version"],
        )
        notebook.release_phase_override(conn, book["id"], members, before)
    book = pairs.notebook_for_pair(conn, pair_id)
    return jsonify({"phase": _phase_json(conn, book, members)})


@bp.post("/phase")
@auth.login_required
def set_phase(pair_id: str) -> Response:
    """Move the phase by hand (or back to automatic with null)."""
    pair, book, members = _context(pair_id)
    moved_to = body().get("phase")
    if moved_to is not None and moved_to not in phase.PHASES:
        fail(400, _("The field %(field)s is missing or not valid.", field="phase"))
    if moved_to in phase.ENDING:
        _refuse_before_start(pair, "phase")
    conn = get_db()
    with transaction(conn):
        notebook.set_phase_override(conn, book["id"], moved_to, auth.current_user()["id"])
    book = pairs.notebook_for_pair(conn, pair_id)
    return jsonify({"phase": _phase_json(conn, book, members)})
