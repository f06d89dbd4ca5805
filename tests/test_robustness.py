"""No input makes the server fail: every route, with malformed bodies and odd queries, as an
anonymous visitor, a member and an organiser, gets a clear 4xx (or a normal answer), never a 500.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.helpers import PASSPHRASE, Pair, login_browserless

# Wrong types and shapes for every field name the API and the forms read.
WRONG_FIELDS: dict[str, Any] = {
    "entry_id": 7,
    "type": ["meeting"],
    "envelope": "not an envelope",
    "revision": "1",
    "base_revision": -1,
    "done": "yes",
    "phase": 5,
    "copies": {"recipient_id": "x"},
    "message_id": None,
    "message": "plain text",
    "kind": {"note": 1},
    "status": {},
    "token": 7,
    "email": ["a@b.c"],
    "auth_key": 1,
    "recovery_auth": "!!",
    "pin": "x",
    "share": 1,
    "to": 2,
    "wrapped_key": 3,
    "key_version": "a",
    "notebook_id": {},
    "reseal": "x",
    "flag_id": "../../etc",
    "category": {"other": 1},
    "kdf": [],
    "key_material": "x",
    "display_name": {"a": 1},
}
WRONG_FORM = {
    "name": "x" * 5000,
    "language": "xx",
    "start_date": "2027-13-45",
    "mid_date": "yesterday",
    "end_date": "",
    "retention_days": "-5",
    "email": "not-an-email",
    "mentor_email": "a" * 400,
    "mentee_email": "@",
    "reason": "",
    "decision": "maybe",
    "signal": "everything",
    "status": "done",
    "role": "boss",
    "confirm": "nope",
    "message": "\x00\ufffe",
    "text": "x" * 20000,
}
BODIES: list[dict[str, Any]] = [
    {"data": b"{not json", "content_type": "application/json"},
    {"json": []},
    {"json": {}},
    {"json": WRONG_FIELDS},
    # A lone surrogate, escaped as JSON allows: valid JSON, not valid text.
    {"data": json.dumps(dict.fromkeys(WRONG_FIELDS, "\ud800")), "content_type": "application/json"},
    {"data": WRONG_FORM},
    {"data": {"csrf_token": "forged"}},
]


def _paths(app: Flask, values: dict[str, str]) -> list[tuple[str, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "logout" in rule.endpoint:
            continue
        args = {name: values.get(name, "nope") for name in rule.arguments}
        path = rule.rule
        for name, value in args.items():
            path = path.replace(f"<{name}>", value)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((method, path))
    return out


def _send(client: FlaskClient, token: str, method: str, path: str, body: dict[str, Any]) -> int:
    body = dict(body)
    if isinstance(body.get("data"), dict):
        body["data"] = {"csrf_token": token, **body["data"]}
    response = client.open(path, method=method, headers={"X-CSRFToken": token}, **body)
    return response.status_code


@pytest.mark.parametrize("who", ["anonymous", "member", "organiser"])
def test_no_route_fails_on_bad_input(app: Flask, pair: Pair, who: str) -> None:
    meeting = pair.mentor.add_entry(pair.id, "meeting", {"schema": 1, "notes": "x"})
    flag_id = pair.mentor.raise_flag(pair.id, "other", "a worry")
    values = {
        "pair_id": pair.id,
        "programme_id": pair.programme_id,
        "entry_id": meeting.entry_id,
        "flag_id": flag_id,
        "role": "mentee",
    }
    client = app.test_client()
    if who == "member":
        login_browserless(client, "mentor@example.org", PASSPHRASE + " mentor")
    elif who == "organiser":
        login_browserless(client, "org@example.org", PASSPHRASE)
    token = csrf_token(client)
    failures = []
    for method, path in _paths(app, values):
        if method == "GET":
            for query in ("", "?type=diary&type=&page=-1&lang=%00", "?next=//evil.example"):
                status = client.get(path + query).status_code
                if status >= 500:
                    failures.append((method, path + query, status))
            continue
        for body in BODIES:
            status = _send(client, token, method, path, body)
            if status >= 500:
                failures.append((method, path, status, str(body)[:60]))
    assert failures == []
    # The signed-in user is still signed in: nothing above ended the session by accident.
    if who != "anonymous":
        assert client.get("/api/v1/me").status_code == 200
