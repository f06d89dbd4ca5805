"""Recruitment from Python, as the browser does it (docs/PROTOCOL.md §12, "Applications"):
an applicant seals an application to the programme's organisers and sends it; an organiser
reads the programme's applications and opens the copies sealed to them.

    applicant = Applicant(Client.for_app(app))
    applicant.apply("spring-2027", "mentee", "ada@example.org", {"name": "Ada", ...})
    organiser.read_applications(programme_id)   # organiser: a signed-in `Client`
"""

from __future__ import annotations

import json
import re
from typing import Any

import crypto
from memberclient.client import Client, ClientError

FORMAT = "pairbook/application/v1"
MSG_TYPE = "application"
_LISTS = {"languages", "themes", "times"}
_TEXTS = {"name", "field", "themes_other", "mode", "place", "about"}
_QUESTION = re.compile(r"^q:q[0-9]{1,3}$")


def check_answers(role: str, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers object of the protocol, or ValueError naming the bad key."""
    if role not in ("mentor", "mentee") or not isinstance(answers, dict):
        raise ValueError("role")
    for key, value in answers.items():
        is_list = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if key == "capacity":
            ok = role == "mentor" and type(value) is int and value >= 1
        elif key in _LISTS:
            ok = is_list
        elif key in _TEXTS:
            ok = isinstance(value, str)
        elif _QUESTION.match(key):
            ok = isinstance(value, str) or is_list
        else:
            ok = False
        if not ok:
            raise ValueError(key)
    return answers


def _ctx(programme_id: str, application_id: str, recipient_id: str) -> crypto.SealContext:
    return crypto.SealContext(MSG_TYPE, programme_id, application_id, application_id, recipient_id)


def seal_application(
    programme_id: str,
    role: str,
    answers: dict[str, Any],
    organisers: list[dict[str, Any]],
) -> dict[str, Any]:
    """`{application_id, bundle, copies}`: one copy per organiser, sealed by a one-time identity
    whose user id is the application id (dropped afterwards)."""
    check_answers(role, answers)
    if not organisers:
        raise ValueError("organisers")
    application_id = crypto.new_entry_id()
    identity = crypto.new_identity(application_id)
    body = {"schema": 1, "format": FORMAT, "role": role, "answers": answers}
    copies = []
    for organiser in organisers:
        bundle = crypto.verify_bundle(organiser["bundle"], organiser["user_id"])
        ctx = _ctx(programme_id, application_id, bundle.user)
        copies.append(
            {
                "recipient_id": bundle.user,
                "sealed": crypto.seal_message(identity, bundle, ctx, body),
            }
        )
    return {
        "application_id": application_id,
        "bundle": identity.bundle().to_json(),
        "copies": copies,
    }


def open_application(
    me: crypto.Identity, application: dict[str, Any], programme_id: str
) -> dict[str, Any]:
    """The answers of the copy sealed to me (CryptoError if it does not verify)."""
    bundle = application["bundle"]
    if isinstance(bundle, str):
        bundle = json.loads(bundle)
    sender = crypto.verify_bundle(bundle, application["application_id"])
    ctx = _ctx(programme_id, application["application_id"], me.user_id)
    body = crypto.open_message(me, sender, ctx, application["sealed"])
    if body.get("format") != FORMAT or body.get("role") not in ("mentor", "mentee"):
        raise crypto.CryptoError
    if application.get("role") and body["role"] != application["role"]:
        raise crypto.CryptoError
    try:
        return check_answers(body["role"], body.get("answers"))
    except ValueError:
        raise crypto.CryptoError from None


class Applicant:
    """Someone applying through the public API (no account, no sign-in)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def programme(self, slug: str) -> dict[str, Any]:
        """The public calls of a programme, with the organisers' bundles."""
        return self.client.request("GET", f"/api/v1/apply/{slug}")

    def apply(
        self,
        slug: str,
        role: str,
        email: str,
        answers: dict[str, Any],
        language: str = "fi",
    ) -> dict[str, Any]:
        """Seal and send an application; returns `{"status": "received"|"confirm",
        "application_id"}`. Raises ClientError as the server answers (409 closed call…)."""
        public = self.programme(slug)
        sealed = seal_application(public["programme_id"], role, answers, public["organisers"])
        answer = self.client.request(
            "POST",
            f"/api/v1/apply/{slug}/{role}",
            {"email": email, "language": language, **sealed},
        )
        return {**answer, "application_id": sealed["application_id"]}


def read_application(organiser: Client, programme_id: str, application_id: str) -> dict[str, Any]:
    """(Organiser) one application with the answers sealed to me opened (`answers`, or
    `error` when my copy is missing or does not verify)."""
    me = organiser._require_secrets().identity
    item = organiser.request(
        "GET", f"/api/v1/organiser/programmes/{programme_id}/applications/{application_id}"
    )
    return _opened(me, item, programme_id)


def _opened(me: crypto.Identity, item: dict[str, Any], programme_id: str) -> dict[str, Any]:
    opened = dict(item)
    try:
        if item.get("sealed") is None or item.get("bundle") is None:
            raise crypto.CryptoError
        opened["answers"] = open_application(me, item, programme_id)
    except crypto.CryptoError:
        opened["error"] = "could not be opened"
    return opened


def read_applications(
    organiser: Client, programme_id: str, role: str | None = None
) -> list[dict[str, Any]]:
    """(Organiser) the programme's applications with the answers sealed to me opened
    (`answers`, or `error` when a copy is missing or does not verify), through the applicant
    list's API (`GET …/applications`, the applicants module)."""
    me = organiser._require_secrets().identity
    query = f"?role={role}" if role else ""
    data = organiser.request(
        "GET", f"/api/v1/organiser/programmes/{programme_id}/applications{query}"
    )
    return [_opened(me, item, programme_id) for item in data["applications"]]


__all__ = [
    "Applicant",
    "ClientError",
    "check_answers",
    "open_application",
    "read_application",
    "read_applications",
    "seal_application",
]
