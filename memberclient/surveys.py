"""Follow-up surveys from Python, as the browser does it (docs/PROTOCOL.md §12, "Survey
answers"): a member seals their answers to the programme's organisers with a one-time identity
(so nothing but what they chose to sign says who they are) and sends them; an organiser reads a
survey's sealed answers and opens the copies sealed to them.

    member.answer_survey(survey_id, {"q1": 4, "q2": "…"})        # member: a signed-in `Client`
    answer_survey_by_link(Client.for_app(app), token, {...})     # no account, from the mail link
    read_survey_answers(organiser, programme_id, "midpoint")     # organiser: a signed-in `Client`
"""

from __future__ import annotations

import re
from typing import Any

import crypto
from memberclient.client import Client, ClientError

FORMAT = "pairbook/survey-answer/v1"
MSG_TYPE = "survey-answer"
KINDS = ("midpoint", "end", "longterm")
_QID = re.compile(r"^q[0-9]{1,4}$")
_OID = re.compile(r"^o[0-9]{1,4}$")


def _is_value(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return 1 <= value <= 5
    if isinstance(value, str):
        return len(value) <= 4000
    return isinstance(value, list) and all(isinstance(v, str) and _OID.match(v) for v in value)


def check_body(body: Any) -> dict[str, Any]:
    """A survey answer body, checked (ValueError naming what is wrong)."""
    if not isinstance(body, dict) or body.get("schema") != 1 or body.get("format") != FORMAT:
        raise ValueError("format")
    if body.get("survey") not in KINDS or body.get("role") not in ("mentor", "mentee"):
        raise ValueError("survey")
    answers = body.get("answers")
    if not isinstance(answers, dict):
        raise ValueError("answers")
    for key, value in answers.items():
        if not _QID.match(key) or not _is_value(value):
            raise ValueError(key)
    signed = body.get("signed")
    if signed is not None and not (
        isinstance(signed, dict)
        and isinstance(signed.get("name"), str)
        and isinstance(signed.get("pair"), str)
    ):
        raise ValueError("signed")
    return body


def _ctx(programme_id: str, answer_id: str, recipient_id: str) -> crypto.SealContext:
    return crypto.SealContext(MSG_TYPE, programme_id, answer_id, answer_id, recipient_id)


def seal_answer(
    programme_id: str,
    survey: str,
    role: str,
    answers: dict[str, Any],
    organisers: list[dict[str, Any]],
    signed: dict[str, str] | None = None,
    answer_id: str | None = None,
) -> dict[str, Any]:
    """`{answer_id, bundle, copies}`: one copy per organiser, sealed by a one-time identity
    whose user id is the answer id (dropped afterwards)."""
    body = check_body(
        {
            "schema": 1,
            "format": FORMAT,
            "survey": survey,
            "role": role,
            "answers": answers,
            "signed": signed,
        }
    )
    if not organisers:
        raise ValueError("organisers")
    answer_id = answer_id or crypto.new_entry_id()
    identity = crypto.new_identity(answer_id)
    copies = []
    for organiser in organisers:
        bundle = crypto.verify_bundle(organiser["bundle"], organiser["user_id"])
        ctx = _ctx(programme_id, answer_id, bundle.user)
        copies.append(
            {
                "recipient_id": bundle.user,
                "sealed": crypto.seal_message(identity, bundle, ctx, body),
            }
        )
    return {"answer_id": answer_id, "bundle": identity.bundle().to_json(), "copies": copies}


def open_answer(
    me: crypto.Identity, answer: dict[str, Any], programme_id: str, survey: str
) -> dict[str, Any]:
    """The body of the copy sealed to me (CryptoError if it does not verify or is no answer
    to `survey`)."""
    sender = crypto.verify_bundle(answer["bundle"], answer["answer_id"])
    ctx = _ctx(programme_id, answer["answer_id"], me.user_id)
    body = crypto.open_message(me, sender, ctx, answer["sealed"])
    try:
        check_body(body)
    except ValueError:
        raise crypto.CryptoError from None
    if body["survey"] != survey:
        raise crypto.CryptoError
    return body


def answer_survey(
    member: Client, survey_id: str, answers: dict[str, Any], *, sign: bool = False
) -> dict[str, Any]:
    """(Member, signed in) seal and send my answers to a survey sent to me."""
    info = member.request("GET", f"/api/v1/surveys/{survey_id}")
    signed = None
    if sign:
        signed = {"name": info.get("signer_name") or "", "pair": info.get("signer_pair") or ""}
    sealed = seal_answer(
        info["programme_id"], info["kind"], info["role"], answers, info["organisers"], signed
    )
    return member.request("POST", f"/api/v1/surveys/{survey_id}/answers", sealed)


def answer_survey_by_link(
    client: Client,
    token: str,
    programme_id: str,
    survey: str,
    role: str,
    organisers: list[dict[str, Any]],
    answers: dict[str, Any],
) -> dict[str, Any]:
    """(No account) seal and send answers through a single-use link's token."""
    sealed = seal_answer(programme_id, survey, role, answers, organisers)
    return client.request("POST", f"/api/v1/survey-links/{token}/answers", sealed)


def read_survey_answers(organiser: Client, programme_id: str, kind: str) -> list[dict[str, Any]]:
    """(Organiser) the survey's answers sealed to me, opened (bodies; those that do not open are
    left out). Empty while fewer than five have answered."""
    me = organiser._require_secrets().identity
    data = organiser.request(
        "GET", f"/api/v1/organiser/programmes/{programme_id}/surveys/{kind}/answers"
    )
    out = []
    for item in data["answers"]:
        try:
            out.append(open_answer(me, item, programme_id, kind))
        except crypto.CryptoError:
            continue
    return out


__all__ = [
    "ClientError",
    "answer_survey",
    "answer_survey_by_link",
    "check_body",
    "open_answer",
    "read_survey_answers",
    "seal_answer",
]
