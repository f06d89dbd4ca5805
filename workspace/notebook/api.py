"""JSON API for the pair notebook: sealed entries with revision checks, confirmations, phase."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _

import crypto
from workspace.accounts import sessions as auth
from workspace.core import clock, logs
from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import b64u, body, fail, ident, integer, not_found
from workspace.notebook import queries as notebook
from workspace.notebook.entries import checked_envelope, entry_json, entry_text
from workspace.pairs import queries as pairs

bp = Blueprint("notebook_api", __name__, url_prefix="/api/v1/pairs/<pair_id>")


def _context(pair_id: str, *, write: bool = True) -> tuple[Any, Any, list[str]]:
    """The pair (404 unless I am a member), its notebook (404 if none) and member ids."""
    me = auth.current_user()
    pair = pairs.pair_for_member(pair_id, me["id"])
    if pair is None:
        not_found()
    if write and pairs.read_only(pair):
        fail(409, _("This pair has ended. You can still read and download your notebook."))
    conn = get_db()
    book = pairs.notebook_for_pair(conn, pair_id)
    if book is None:
        not_found()
    members = [
        r["user_id"]
        for r in conn.execute("SELECT user_id FROM pair_members WHERE pair_id = ?", (pair_id,))
    ]
    return pair, book, members


def _phase_json(
    conn: Any, book: Any, members: list[str], rows: list[Any] | None = None
) -> dict[str, Any]:
    derived = notebook.derived_phase(conn, book["id"], members, rows)
    override = book["phase_override"]
    return {
        "derived": derived,
        "override": override,
        "override_by": book["phase_override_by"] if override else None,
        "current": override or derived,
    }


def _phase_before(conn: Any, book: Any, members: list[str]) -> tuple[str, str] | None:
    """Inside the write's transaction: the phase moved by hand and the derived phase before the
    write, or None when no phase was moved by hand."""
    row = conn.execute(
        "SELECT phase_override FROM notebooks WHERE id = ?", (book["id"],)
    ).fetchone()
    if row["phase_override"] is None:
        return None
    return row["phase_override"], notebook.derived_phase(conn, book["id"], members)


def _release_override(
    conn: Any, book: Any, members: list[str], before: tuple[str, str] | None
) -> None:
    """A phase moved by hand holds until the pair's own work moves the derived phase to it or
    past it; from then on the phase follows their work again."""
    if before is None:
        return
    override, derived = before
    after = notebook.derived_phase(conn, book["id"], members)
    phases = notebook.PHASES
    if after != derived and phases.index(after) >= phases.index(override):
        conn.execute(
            "UPDATE notebooks SET phase_override = NULL, phase_override_by = NULL WHERE id = ?",
            (book["id"],),
        )


@bp.get("/entries")
@auth.login_required
def list_entries(pair_id: str) -> Response:
    """The pair's sealed entries, oldest first (only the kinds named by `?type=`, if any), with
    the confirmations of each entry's current revision, members' confirmations of older
    revisions, and the phase."""
    _pair, book, members = _context(pair_id, write=False)
    types = tuple(dict.fromkeys(request.args.getlist("type")))
    if any(t not in notebook.ENTRY_TYPES for t in types):
        fail(400, _("The field %(field)s is missing or not valid.", field="type"))
    conn = get_db()
    rows = notebook.entries(conn, book["id"], types)
    head = json.dumps(
        {
            "notebook_id": book["id"],
            "key_version": book["key_version"],
            "confirmations": [
                {
                    "entry_id": c["entry_id"],
                    "user_id": c["user_id"],
                    "revision": c["revision"],
                    "confirmed_at": c["confirmed_at"],
                    "sig": c["sig"],
                }
                for c in notebook.current_confirmations(conn, book["id"])
            ],
            "earlier_confirmations": [
                {
                    "entry_id": c["entry_id"],
                    "user_id": c["user_id"],
                    "revision": c["revision"],
                    "confirmed_at": c["confirmed_at"],
                    "author_id": c["author_id"],
                    "ct_sha256": c["ct_sha256"],
                    "sig": c["sig"],
                }
                for c in notebook.earlier_confirmations(conn, book["id"])
            ],
            # The phase needs every entry's metadata: a filtered listing cannot supply it.
            "phase": _phase_json(conn, book, members, None if types else rows),
        },
        separators=(",", ":"),
    )
    text = f'{head[:-1]},"entries":[{",".join(entry_text(r) for r in rows)}]}}'
    return Response(text, mimetype="application/json")


@bp.post("/entries")
@auth.login_required
def create_entry(pair_id: str) -> tuple[Response, int]:
    """Store a new sealed entry (revision 1, authored by me)."""
    _pair, book, members = _context(pair_id)
    data = body()
    entry_id = ident(data, "entry_id")
    entry_type = data.get("type")
    if entry_type not in notebook.ENTRY_TYPES:
        fail(400, _("The field %(field)s is missing or not valid.", field="type"))
    envelope, size = checked_envelope(data, book["key_version"])
    me = auth.current_user()["id"]
    conn = get_db()
    now = clock.iso()
    with transaction(conn):
        before = _phase_before(conn, book, members)
        if conn.execute("SELECT 1 FROM entries WHERE id = ?", (entry_id,)).fetchone():
            fail(409, _("This entry already exists."))
        existing = conn.execute(
            "SELECT id FROM entries WHERE notebook_id = ? AND entry_type = ? "
            "AND (? OR created_by = ?)",
            (book["id"], entry_type, entry_type in notebook.SINGLETONS, me),
        ).fetchone()
        if entry_type in (*notebook.SINGLETONS, "evaluation") and existing:
            fail(409, _("This notebook already has this part."), entry_id=existing["id"])
        conn.execute(
            "INSERT INTO entries (id, notebook_id, entry_type, created_by, author_id, revision, "
            "envelope, size, done, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
            (
                entry_id,
                book["id"],
                entry_type,
                me,
                me,
                envelope,
                size,
                int(data.get("done") is True),
                now,
                now,
            ),
        )
        _release_override(conn, book, members, before)
        row = notebook.entry(conn, book["id"], entry_id)
    return jsonify(entry_json(row)), 201


@bp.put("/entries/<entry_id>")
@auth.login_required
def update_entry(pair_id: str, entry_id: str) -> Response:
    """Replace an entry if the client edited the current revision; otherwise 409 with it."""
    _pair, book, members = _context(pair_id)
    conn = get_db()
    row = notebook.entry(conn, book["id"], entry_id)
    if row is None:
        not_found()
    data = body()
    base = integer(data, "base_revision")
    envelope, size = checked_envelope(data, book["key_version"])
    me = auth.current_user()["id"]
    if row["entry_type"] == "evaluation" and row["created_by"] != me:
        not_found()
    with transaction(conn):
        before = _phase_before(conn, book, members)
        cur = conn.execute(
            "UPDATE entries SET revision = revision + 1, author_id = ?, envelope = ?, size = ?, "
            "done = ?, updated_at = ? WHERE id = ? AND revision = ?",
            (me, envelope, size, int(data.get("done") is True), clock.iso(), entry_id, base),
        )
        if cur.rowcount != 1:
            current = notebook.entry(conn, book["id"], entry_id)
            if current is None:
                not_found()  # deleted since it was looked up
            fail(409, _("Your partner saved a newer version."), current=entry_json(current))
        _release_override(conn, book, members, before)
        row = notebook.entry(conn, book["id"], entry_id)
    return jsonify(entry_json(row))


@bp.delete("/entries/<entry_id>")
@auth.login_required
def delete_entry(pair_id: str, entry_id: str) -> Response:
    """Delete a meeting for both members if the client has seen its current revision; otherwise
    409 with the current one, so nobody deletes words they have not read."""
    _pair, book, _members = _context(pair_id)
    conn = get_db()
    row = notebook.entry(conn, book["id"], entry_id)
    if row is None:
        not_found()
    revision = integer(body(), "revision")
    if row["entry_type"] not in notebook.DELETABLE:
        fail(
            400, _("Only a meeting can be deleted. Change the other parts of the notebook instead.")
        )
    with transaction(conn):
        cur = conn.execute(
            "DELETE FROM entries WHERE id = ? AND notebook_id = ? AND revision = ?",
            (entry_id, book["id"], revision),
        )
        if cur.rowcount != 1:
            current = notebook.entry(conn, book["id"], entry_id)
            if current is None:
                not_found()
            fail(409, _("Your partner saved a newer version."), current=entry_json(current))
    logs.event("entry.deleted", by=auth.current_user()["id"], pair=pair_id, type="meeting")
    return jsonify({"entry_id": entry_id, "deleted": True})


def _checked_signature(conn: Any, book: Any, row: Any, me: str, sig: str) -> None:
    """The member's signature over this exact revision (§7.1), checked with their bundle."""
    material = conn.execute("SELECT bundle FROM key_material WHERE user_id = ?", (me,)).fetchone()
    try:
        signer = crypto.verify_bundle(json.loads(material["bundle"]), me)
        ctx = crypto.EntryContext(
            book["id"],
            row["id"],
            row["entry_type"],
            book["key_version"],
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
    _pair, book, members = _context(pair_id)
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
        before = _phase_before(conn, book, members)
        conn.execute(
            "INSERT INTO confirmations (entry_id, user_id, revision, envelope_sha, sig, "
            "author_id, ct_sha256, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (entry_id, user_id) DO UPDATE SET revision = excluded.revision, "
            "envelope_sha = excluded.envelope_sha, sig = excluded.sig, "
            "author_id = excluded.author_id, ct_sha256 = excluded.ct_sha256, "
            "confirmed_at = excluded.confirmed_at",
            (
                entry_id,
                me,
                revision,
                notebook.envelope_sha(row["envelope"]),
                sig,
                row["author_id"],
                crypto.confirmation_digest(row["envelope"]),
                clock.iso(),
            ),
        )
        _release_override(conn, book, members, before)
    book = pairs.notebook_for_pair(conn, pair_id)
    return jsonify({"phase": _phase_json(conn, book, members)})


@bp.post("/phase")
@auth.login_required
def set_phase(pair_id: str) -> Response:
    """Move the phase by hand (or back to automatic with null)."""
    _pair, book, members = _context(pair_id)
    phase = body().get("phase")
    if phase is not None and phase not in notebook.PHASES:
        fail(400, _("The field %(field)s is missing or not valid.", field="phase"))
    conn = get_db()
    with transaction(conn):
        conn.execute(
            "UPDATE notebooks SET phase_override = ?, phase_override_by = ? WHERE id = ?",
            (phase, auth.current_user()["id"] if phase else None, book["id"]),
        )
    book = pairs.notebook_for_pair(conn, pair_id)
    return jsonify({"phase": _phase_json(conn, book, members)})
