"""JSON API for a member's pairs: the notebook key, key shares and pins."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, jsonify
from flask_babel import gettext as _

import crypto
from workspace.accounts import sessions as auth
from workspace.accounts.queries import key_material, new_id
from workspace.core import logs
from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import b64u, body, fail, ident, integer, not_found, obj
from workspace.notebook import queries as notebook
from workspace.pairs import queries as pairs
from workspace.pairs.access import my_pair

bp = Blueprint("pairs_api", __name__, url_prefix="/api/v1/pairs")


def _bundle(raw: str | None) -> crypto.IdentityBundle | None:
    """A stored bundle (checked when it was stored; checked again, as it is cheap)."""
    if not raw:
        return None
    data = json.loads(raw)
    return crypto.verify_bundle(data, data["user"])


def _programme_json(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "start_date": row["start_date"],
        "mid_date": row["mid_date"],
        "end_date": row["end_date"],
    }


@bp.get("")
@auth.login_required
def list_pairs() -> Response:
    """The signed-in member's pairs."""
    rows = pairs.pairs_for_user(get_db(), auth.current_user()["id"])
    return jsonify(
        {
            "pairs": [
                {
                    "pair_id": r["id"],
                    "code": r["code"],
                    "my_role": r["my_role"],
                    "programme": {
                        "id": r["programme_id"],
                        "name": r["programme_name"],
                        "start_date": r["start_date"],
                        "mid_date": r["mid_date"],
                        "end_date": r["end_date"],
                    },
                    "partner": {
                        "user_id": r["partner_id"],
                        "display_name": r["partner_name"],
                        "role": r["partner_role"],
                        "joined": r["partner_joined"] is not None,
                        "left": bool(r["partner_left"]),
                    },
                    "read_only": pairs.read_only(r),
                    "readable_until": pairs.readable_until(r),
                }
                for r in rows
            ]
        }
    )


def _checked_pin(raw: str | None, owner: Any, partner_id: str) -> crypto.Pin | None:
    """A stored pin if it still verifies under its owner's current keys, else None."""
    owner_bundle = _bundle(owner) if owner else None
    if not raw or owner_bundle is None:
        return None
    try:
        return crypto.open_pin(owner_bundle, json.loads(raw), partner_id)
    except crypto.CryptoError:
        return None


def _partner_verified(conn: Any, pair_id: str, me: Any, partner: Any) -> bool:
    """The partner compared safety numbers over my *current* keys."""
    their_pin = pairs.pin(conn, pair_id, partner["id"])
    mine = key_material(conn, me["id"])
    pin = _checked_pin(their_pin["pin"] if their_pin else None, partner["bundle"], me["id"])
    return bool(
        pin and pin.verified and mine and crypto.same_keys(pin.bundle, _bundle(mine["bundle"]))
    )


def _partner_json(conn: Any, pair_id: str, partner: Any) -> dict[str, Any]:
    if partner is None:
        gone = pairs.departures(conn, pair_id)
        return {
            "user_id": None,
            "role": gone[0]["role"] if gone else None,
            "display_name": None,
            "joined": False,
            "left": True,
            "bundle": None,
            "identity_version": None,
        }
    return {
        "user_id": partner["id"],
        "role": partner["role"],
        "display_name": partner["display_name"],
        "joined": partner["bundle"] is not None,
        "left": False,
        "bundle": json.loads(partner["bundle"]) if partner["bundle"] else None,
        "identity_version": partner["identity_version"],
    }


@bp.get("/<pair_id>")
@auth.login_required
def pair_detail(pair_id: str) -> Response:
    """Everything the member's client needs to pair up; never the partner's secrets."""
    pair = my_pair(pair_id)
    me = auth.current_user()
    conn = get_db()
    partner = pairs.partner_of(conn, pair_id, me["id"])
    mine = key_material(conn, me["id"])
    notebook = pairs.notebook_for_pair(conn, pair_id)
    notebook_json = None
    shares: list[dict[str, Any]] = []
    if notebook is not None:
        kv = notebook["key_version"]
        wraps = pairs.wrapped_keys(conn, notebook["id"], me["id"])
        my_wrap = next((w for w in wraps if w["key_version"] == kv), None)
        # A removed member reads and exports, no more: nothing new is shared with them, and
        # they do not renew the key (the remaining member does).
        present = partner is not None and not partner["removed_at"] and not pair["removed_at"]
        notebook_json = {
            "notebook_id": notebook["id"],
            "key_version": kv,
            "my_wrapped_key": my_wrap["wrapped_key"] if my_wrap else None,
            "my_wrapped_keys": [
                {"key_version": w["key_version"], "wrapped_key": w["wrapped_key"]} for w in wraps
            ],
            "rotation_due": bool(notebook["rotation_due"])
            and my_wrap is not None
            and not pair["removed_at"],
            "partner_has_key": partner is not None
            and pairs.wrapped_key(conn, notebook["id"], partner["id"], kv) is not None,
            "share_waiting": partner is not None
            and pairs.share_waiting(conn, notebook["id"], me["id"], partner["id"], kv),
            "versions_to_share": pairs.versions_to_share(
                conn, notebook["id"], me["id"], partner["id"]
            )
            if present and partner["bundle"] is not None and not notebook["rotation_due"]
            else [],
        }
        shares = [
            {
                "share_id": s["id"],
                "from": s["from_user"],
                "key_version": s["key_version"],
                "share": json.loads(s["share"]),
            }
            for s in pairs.pending_shares(conn, notebook["id"], me["id"])
        ]
    my_pin = pairs.pin(conn, pair_id, me["id"])
    return jsonify(
        {
            "pair_id": pair["id"],
            "code": pair["code"],
            "programme": _programme_json(pairs.programme(conn, pair["programme_id"])),
            "me": {
                "user_id": me["id"],
                "role": pair["my_role"],
                "identity_version": mine["identity_version"] if mine else None,
            },
            "partner": _partner_json(conn, pair_id, partner),
            "notebook": notebook_json,
            "my_pin": {
                "pin": json.loads(my_pin["pin"]),
                "verified": my_pin["verified_at"] is not None,
            }
            if my_pin
            else None,
            "partner_verified": partner is not None
            and _partner_verified(conn, pair_id, me, partner),
            "pending_shares": shares,
        }
    )


@bp.post("/<pair_id>/notebook")
@auth.login_required
def create_notebook(pair_id: str) -> tuple[Response, int]:
    """The first member to open the pair creates its notebook key."""
    my_pair(pair_id)
    data = body()
    notebook_id = ident(data, "notebook_id")
    if integer(data, "key_version", maximum=1) != 1:
        fail(400)
    wrapped = b64u(data, "wrapped_key", max_len=200)
    me = auth.current_user()
    conn = get_db()
    with transaction(conn):
        existing = pairs.notebook_for_pair(conn, pair_id)
        if existing is not None:
            fail(409, _("This pair already has a notebook."), notebook_id=existing["id"])
        if notebook.notebook_exists(conn, notebook_id):
            fail(409, _("Choose another notebook id."))
        notebook.create_notebook(conn, notebook_id, pair_id, me["id"])
        version = key_material(conn, me["id"])["identity_version"]
        pairs.store_wrapped_key(conn, notebook_id, me["id"], 1, wrapped, version)
    return jsonify({"notebook_id": notebook_id, "key_version": 1}), 201


@bp.post("/<pair_id>/shares")
@auth.login_required
def create_share(pair_id: str) -> tuple[Response, int]:
    """Store a signed key share from me to my partner (not while I am removed: a removed member
    reads and exports, no more)."""
    pair = my_pair(pair_id)
    if pair["removed_at"]:
        fail(400, _("Your partner cannot receive the key yet."))
    data = body()
    me = auth.current_user()
    conn = get_db()
    partner = pairs.partner_of(conn, pair_id, me["id"])
    notebook = pairs.notebook_for_pair(conn, pair_id)
    to = ident(data, "to")
    kv = integer(data, "key_version")
    share = obj(data, "share")
    if (
        notebook is None
        or partner is None
        or partner["bundle"] is None
        or partner["removed_at"]
        or to != partner["id"]
    ):
        fail(400, _("Your partner cannot receive the key yet."))
    if kv > notebook["key_version"] or not pairs.wrapped_key(conn, notebook["id"], me["id"], kv):
        fail(400, _("You do not hold this notebook key."))
    if notebook["rotation_due"]:
        # A newcomer gets the keys only once the notebook has a key the one who left never held.
        fail(409, _("Your notebook changed. Reload the page and try again."), rotation_due=True)
    expected = {"nb": notebook["id"], "from": me["id"], "to": to, "kv": kv}
    if any(share.get(k) != v for k, v in expected.items()) or len(json.dumps(share)) > 2000:
        fail(400, _("The key share does not match this pair."))
    share_id = new_id("s")
    with transaction(conn):
        pairs.replace_share(
            conn,
            share_id,
            notebook["id"],
            kv,
            me["id"],
            to,
            partner["identity_version"],
            json.dumps(share, separators=(",", ":")),
        )
    return jsonify({"share_id": share_id}), 201


@bp.post("/<pair_id>/notebook/rotate")
@auth.login_required
def rotate_key(pair_id: str) -> Response:
    """Renew the notebook key (docs/PROTOCOL.md §13): a member who holds the current key stores
    their wrap of a new one at exactly the next version, while the notebook is due for it (a
    member left, was removed or replaced) or, with `"now": true`, whenever they choose."""
    pair = my_pair(pair_id)
    data = body()
    kv = integer(data, "key_version", maximum=1_000_000)
    wrapped = b64u(data, "wrapped_key", max_len=200)
    now = data.get("now", False)
    if not isinstance(now, bool):
        fail(400, _("The field %(field)s is missing or not valid.", field="now"))
    me = auth.current_user()
    conn = get_db()
    book = pairs.notebook_for_pair(conn, pair_id)
    if book is None:
        not_found()
    if pair["removed_at"]:
        fail(400, _("You do not hold this notebook key."))
    if pair["ended_at"]:
        fail(409, _("This pair has ended. You can still read and download your notebook."))
    with transaction(conn):
        current = notebook.key_version(conn, book["id"])
        # Checked against the version read under the write lock: the one I rotate from.
        if pairs.wrapped_key(conn, book["id"], me["id"], current) is None:
            fail(400, _("You do not hold this notebook key."))
        if kv != current + 1:
            fail(
                409, _("Your notebook changed. Reload the page and try again."), key_version=current
            )
        if not notebook.rotate_key(conn, book["id"], current, due_only=not now):
            fail(
                409, _("Your notebook changed. Reload the page and try again."), key_version=current
            )
        version = key_material(conn, me["id"])["identity_version"]
        pairs.store_wrapped_key(conn, book["id"], me["id"], kv, wrapped, version)
    logs.event("notebook.rotated", pair=pair_id, by=me["id"], kv=kv)
    return jsonify({"notebook_id": book["id"], "key_version": kv})


@bp.post("/<pair_id>/shares/<share_id>/accept")
@auth.login_required
def accept_share(pair_id: str, share_id: str) -> Response:
    """Store my own wrap of a key my partner shared with me."""
    my_pair(pair_id)
    wrapped = b64u(body(), "wrapped_key", max_len=200)
    me = auth.current_user()
    conn = get_db()
    notebook = pairs.notebook_for_pair(conn, pair_id)
    share = pairs.open_share(conn, share_id, me["id"])
    if notebook is None or share is None or share["notebook_id"] != notebook["id"]:
        not_found()
    version = key_material(conn, me["id"])["identity_version"]
    with transaction(conn):
        pairs.store_wrapped_key(
            conn, notebook["id"], me["id"], share["key_version"], wrapped, version
        )
        pairs.mark_share_accepted(conn, share_id)
    return jsonify({"ok": True})


@bp.post("/<pair_id>/pin")
@auth.login_required
def set_pin(pair_id: str) -> Response:
    """Store my signed pin of my partner's current bundle (verified: we compared numbers)."""
    my_pair(pair_id)
    raw_pin = obj(body(), "pin")
    me = auth.current_user()
    conn = get_db()
    partner = pairs.partner_of(conn, pair_id, me["id"])
    mine = key_material(conn, me["id"])
    if partner is None or partner["bundle"] is None or mine is None:
        fail(400, _("Your partner has not joined yet."))
    encoded = json.dumps(raw_pin, separators=(",", ":"), sort_keys=True)
    pin = _checked_pin(encoded, mine["bundle"], partner["id"])
    if pin is None or not crypto.same_keys(pin.bundle, _bundle(partner["bundle"])):
        fail(400, _("The pin does not match your partner's current keys."))
    old = pairs.pin(conn, pair_id, me["id"])
    old_pin = _checked_pin(old["pin"] if old else None, mine["bundle"], partner["id"])
    if (
        not pin.verified
        and old_pin
        and old_pin.verified
        and crypto.same_keys(old_pin.bundle, pin.bundle)
    ):
        # A first-sight pin from another device must not undo an earlier comparison.
        return jsonify({"verified": True})
    with transaction(conn):
        pairs.store_pin(conn, pair_id, me["id"], partner["id"], encoded, verified=pin.verified)
    return jsonify({"verified": pin.verified})
