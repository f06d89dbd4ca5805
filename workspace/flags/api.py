"""JSON API for incident flags: members raise them, organisers answer; all text sealed."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, jsonify
from flask_babel import gettext as _

from workspace.accounts import sessions as auth
from workspace.communication import notifications
from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import body, fail, ident
from workspace.flags import queries as flags
from workspace.flags.access import my_report
from workspace.organiser.access import my_flag, my_programme
from workspace.pairs import queries as pairs
from workspace.pairs.access import my_pair

bp = Blueprint("flags_api", __name__, url_prefix="/api/v1")


def _message_json(row: Any) -> dict[str, Any]:
    return {
        "message_id": row["id"],
        "kind": row["kind"],
        "sender_id": row["sender_id"],
        "created_at": row["created_at"],
        "sealed": json.loads(row["sealed"]),
    }


def _copies(data: dict[str, Any], recipients: set[str]) -> tuple[str, list[tuple[str, str]]]:
    message_id = ident(data, "message_id")
    try:
        return message_id, flags.check_copies(data.get("copies"), recipients)
    except ValueError:
        fail(400, _("The message must be sealed once for each organiser and for you."))


def _organiser_ids(programme_id: str) -> set[str]:
    return {r["id"] for r in flags.organisers(get_db(), programme_id)}


def _store_message(
    conn: Any, flag_id: str, message_id: str, kind: str, sender: str, copies: Any
) -> None:
    """Store a message once: a repeated id (a retried send) is a 409, not a second copy."""
    if flags.message_exists(conn, message_id):
        fail(409, _("This message was already sent."))
    flags.store_message(conn, flag_id, message_id, kind, sender, copies)


@bp.get("/pairs/<pair_id>/organisers")
@auth.login_required
def pair_organisers(pair_id: str) -> Response:
    """The public bundles a member seals a report to."""
    pair = my_pair(pair_id)
    rows = flags.organisers(get_db(), pair["programme_id"])
    return jsonify(
        {
            "programme_id": pair["programme_id"],
            "organisers": [
                {
                    "user_id": r["id"],
                    "display_name": r["display_name"],
                    "bundle": json.loads(r["bundle"]),
                }
                for r in rows
            ],
        }
    )


@bp.post("/pairs/<pair_id>/flags")
@auth.login_required
def raise_flag(pair_id: str) -> tuple[Response, int]:
    """Raise a flag with an optional sealed message; the organisers get an email."""
    me = auth.current_user()["id"]
    pair = my_pair(pair_id)
    data = body()
    flag_id = ident(data, "flag_id")
    category = data.get("category")
    if not isinstance(category, str) or category not in flags.CATEGORIES:
        fail(400, _("Choose what the problem is about."))
    message = None
    if data.get("message") is not None:
        if not isinstance(data["message"], dict):
            fail(400)
        message = _copies(data["message"], _organiser_ids(pair["programme_id"]) | {me})
    conn = get_db()
    with transaction(conn):
        if flags.flag(conn, flag_id) is not None:
            fail(409, _("This report was already sent."))
        flags.create_flag(conn, flag_id, pair, me, category)
        if message is not None:
            _store_message(conn, flag_id, message[0], "report", me, message[1])
        flags.notify_organisers(conn, pairs.programme(conn, pair["programme_id"]))
    return jsonify({"flag_id": flag_id}), 201


def _flag_json(conn: Any, row: Any, recipient: str) -> dict[str, Any]:
    return {
        "flag_id": row["id"],
        "pair_id": row["pair_id"],
        "programme_id": row["programme_id"],
        "category": row["category"],
        "status": row["status"],
        "created_at": row["created_at"],
        "acknowledged_at": row["acknowledged_at"],
        "withdrawn_at": row["withdrawn_at"],
        "messages": [_message_json(m) for m in flags.messages_for(conn, row["id"], recipient)],
    }


@bp.get("/me/flags")
@auth.login_required
def my_flags() -> Response:
    """The flags I raised, with the messages sealed to me (my copies and replies)."""
    me = auth.current_user()["id"]
    conn = get_db()
    rows = flags.by_reporter(conn, me)
    return jsonify({"flags": [_flag_json(conn, r, me) for r in rows]})


@bp.post("/me/flags/<flag_id>/messages")
@auth.login_required
def add_to_flag(flag_id: str) -> tuple[Response, int]:
    """Add a sealed message to my own flag."""
    row = my_report(flag_id)
    me = auth.current_user()["id"]
    message_id, copies = _copies(body(), _organiser_ids(row["programme_id"]) | {me})
    conn = get_db()
    with transaction(conn):
        _store_message(conn, flag_id, message_id, "addition", me, copies)
        flags.touch(conn, flag_id)
    return jsonify({"message_id": message_id}), 201


@bp.post("/me/flags/<flag_id>/withdraw")
@auth.login_required
def withdraw_flag(flag_id: str) -> Response:
    """Withdraw my flag; organisers see that it was withdrawn."""
    my_report(flag_id)
    conn = get_db()
    with transaction(conn):
        flags.withdraw(conn, flag_id)
    return jsonify({"ok": True})


@bp.get("/organiser/programmes/<programme_id>/flags")
@auth.organiser_required
def organiser_flags(programme_id: str) -> Response:
    """A programme's flags, new first, with the copies sealed to me and reporters' bundles."""
    me = auth.current_user()["id"]
    conn = get_db()
    my_programme(programme_id)
    rows = flags.in_programme_with_bundles(conn, programme_id)
    out = []
    for r in rows:
        item = _flag_json(conn, r, me)
        item.update(
            {
                "pair_code": r["code"],
                "reporter_id": r["reporter_id"],
                "reporter_role": r["reporter_role"],
                "reporter_bundle": json.loads(r["bundle"]),
            }
        )
        out.append(item)
    organisers = flags.organisers(conn, programme_id)
    return jsonify(
        {
            "flags": out,
            "organisers": [
                {"user_id": o["id"], "bundle": json.loads(o["bundle"])} for o in organisers
            ],
        }
    )


@bp.post("/organiser/flags/<flag_id>/status")
@auth.organiser_required
def set_flag_status(flag_id: str) -> Response:
    """Acknowledge a flag and set its status; the change is audited."""
    row = my_flag(flag_id)
    status = body().get("status")
    if not isinstance(status, str) or status not in flags.STATUSES:
        fail(400, _("Choose a status."))
    flags.change_status(get_db(), row, status, auth.current_user()["id"])
    return jsonify({"status": status})


@bp.post("/organiser/flags/<flag_id>/messages")
@auth.organiser_required
def organiser_message(flag_id: str) -> tuple[Response, int]:
    """A sealed note for the organisers, or a sealed reply to the reporter."""
    row = my_flag(flag_id)
    data = body()
    kind = data.get("kind")
    if kind not in ("note", "reply"):
        fail(400)
    recipients = _organiser_ids(row["programme_id"])
    if kind == "reply":
        recipients |= {row["reporter_id"]}
    message_id, copies = _copies(data, recipients)
    conn = get_db()
    with transaction(conn):
        _store_message(conn, flag_id, message_id, kind, auth.current_user()["id"], copies)
        flags.acknowledge(conn, flag_id)
        notifications.flag_message(conn, row, kind)
    return jsonify({"message_id": message_id}), 201
