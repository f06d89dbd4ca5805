"""JSON API for data rights: take everything, or erase yourself."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify
from flask_babel import gettext as _

import crypto
from workspace.accounts import sessions as auth
from workspace.accounts.queries import key_material
from workspace.core import logs
from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import body, fail
from workspace.notebook import queries as notebook
from workspace.notebook.entries import checked_envelope, entry_json
from workspace.pairs.access import my_pair
from workspace.pairs.queries import notebook_for_pair
from workspace.rights import departures
from workspace.rights import erasure as rights

bp = Blueprint("rights_api", __name__, url_prefix="/api/v1/me")


@bp.get("/export")
@auth.login_required
def export() -> Response:
    """Everything the server holds about me; notebook content stays sealed (open it locally)."""
    return jsonify(rights.server_data(get_db(), auth.current_user()["id"]))


@bp.get("/reseal")
@auth.login_required
def reseal_needed() -> Response:
    """Shared entries I authored that must be re-sealed as the former member before I go."""
    rows = rights.reseal_required(get_db(), auth.current_user()["id"])
    return jsonify(
        {
            "former_member": crypto.FORMER_MEMBER,
            "entries": [{**entry_json(r), "pair_id": r["pair_id"]} for r in rows],
        }
    )


def _keep_choices(raw: object) -> dict[str, bool]:
    """`keep`: for each kind the member chooses about, whether it stays for the partner (the
    default); anything else is refused before anything changes."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not set(raw) <= set(departures.CHOOSABLE):
        fail(400, _("The field %(field)s is missing or not valid.", field="keep"))
    if not all(isinstance(v, bool) for v in raw.values()):
        fail(400, _("The field %(field)s is missing or not valid.", field="keep"))
    return dict(raw)


def _remove_outbox_files(email: str) -> None:
    folder = Path(current_app.instance_path) / "outbox"
    needle = email.encode()
    for path in folder.glob("*.eml"):
        if needle in path.read_bytes().lower():
            path.unlink(missing_ok=True)


@bp.post("/delete")
@auth.login_required
def delete_account() -> Response:
    """Erase my account at once, after I re-entered my passphrase (sent as the auth key)."""
    data = body()
    me = auth.current_user()
    conn = get_db()
    material = key_material(conn, me["id"])
    try:
        auth_key = crypto.b64u_decode(data.get("auth_key") or "")
    except crypto.CryptoError:
        auth_key = b""
    if material is None or not crypto.check_auth(
        current_app.config["PEPPER"], auth_key, material["auth_verifier"]
    ):
        fail(401, _("The passphrase is not right. Nothing was deleted."))
    keep = _keep_choices(data.get("keep"))
    required = {r["id"]: r for r in rights.reseal_required(conn, me["id"])}
    provided = data.get("reseal") or []
    if not isinstance(provided, list) or {
        p.get("entry_id") for p in provided if isinstance(p, dict)
    } != set(required):
        fail(409, _("Your notebook changed. Reload the page and try again."))
    updates: list[tuple[str, int, str, int, str, int]] = []
    for item in provided:
        row = required[item["entry_id"]]
        kv = notebook.key_version(conn, row["notebook_id"])
        envelope, size = checked_envelope(item, kv)
        if item.get("base_revision") != row["revision"]:
            fail(409, _("Your notebook changed. Reload the page and try again."))
        updates.append((envelope, size, row["id"], row["revision"], row["notebook_id"], kv))
    with transaction(conn):
        for envelope, size, entry_id, revision, notebook_id, kv in updates:
            # The confirmations of the version re-sealed: carried to the new revision, as the
            # server's record (their signatures name me, and my id goes).
            stood = [
                c
                for c in notebook.current_confirmations(conn, notebook_id)
                if c["entry_id"] == entry_id and c["revision"] == revision
            ]
            if notebook.key_version(conn, notebook_id) != kv or not notebook.reseal_entry(
                conn, entry_id, revision, envelope, size, crypto.FORMER_MEMBER, kv
            ):
                fail(409, _("Your notebook changed. Reload the page and try again."))
            departures.carry_confirmations(conn, entry_id, revision + 1, me["id"], stood)
        email = rights.delete_user(conn, me["id"], keep)
        auth.end_current_session()
    _remove_outbox_files(email)
    logs.event("account.deleted")
    return jsonify({"deleted": True})


pair_bp = Blueprint("rights_pair_api", __name__, url_prefix="/api/v1/pairs/<pair_id>")


@pair_bp.get("/departure")
@auth.login_required
def departure(pair_id: str) -> Response:
    """What a departure left in the pair's notebook: the confirmations carried to re-sealed
    entries (the server's record, docs/PROTOCOL.md §13.1; `user_id` is a member's id or the
    former member) and the entries that will be removed, with the day."""
    my_pair(pair_id)
    conn = get_db()
    book = notebook_for_pair(conn, pair_id)
    rows = departures.carried(conn, book["id"]) if book else []
    return jsonify(
        {
            "carried_confirmations": [
                {
                    "entry_id": r["entry_id"],
                    "revision": r["revision"],
                    "user_id": r["member_id"] or crypto.FORMER_MEMBER,
                    "confirmed_at": r["confirmed_at"],
                }
                for r in rows
            ],
            "removals": [
                {"entry_id": r["entry_id"], "remove_after": r["remove_after"]}
                for r in departures.pending_removals(conn, pair_id)
            ],
        }
    )
