"""A sealed answer arriving: the server sees only the envelope (the one-time bundle whose user
id is the answer id, and one sealed copy per organiser). Stored apart from the record that the
member answered; a repeat of the same answer id is the same answer arriving twice (a dropped
connection), any other second answer is refused."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import crypto
from workspace.core import db
from workspace.core.jsonapi import ID_RE
from workspace.flags.queries import check_copies
from workspace.surveys import queries

MAX_SEALED_CHARS = 200_000


class Refused(Exception):
    """The answer is refused; `field` names why."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


@dataclass(frozen=True)
class Submission:
    """A checked sealed answer, ready to store."""

    answer_id: str
    bundle: str
    copies: list[tuple[str, str]]


def check(data: dict[str, Any], organiser_ids: set[str]) -> Submission:
    """The envelope, checked strictly, or Refused(field)."""
    if set(data) != {"answer_id", "bundle", "copies"}:
        raise Refused("body")
    answer_id = data["answer_id"]
    if not isinstance(answer_id, str) or not ID_RE.match(answer_id):
        raise Refused("answer_id")
    try:
        bundle = crypto.verify_bundle(data["bundle"], answer_id)
    except (crypto.CryptoError, TypeError, ValueError, KeyError):
        raise Refused("bundle") from None
    copies = data["copies"]
    if not organiser_ids:
        raise Refused("copies")
    if isinstance(copies, list) and any(
        not isinstance(c, dict) or len(json.dumps(c.get("sealed"))) > MAX_SEALED_CHARS
        for c in copies
    ):
        raise Refused("copies")
    try:
        checked = check_copies(copies, organiser_ids)
    except ValueError:
        raise Refused("copies") from None
    return Submission(answer_id, json.dumps(bundle.to_json(), separators=(",", ":")), checked)


def receive(conn: db.Connection, survey: Any, user_id: str, sub: Submission) -> str:
    """Store the answer ("stored"), or recognise the same answer arriving again ("repeat");
    Refused("answered") for a second, different answer. Caller holds the transaction."""
    answered = queries.has_answered(conn, survey["id"], user_id)
    existing = queries.answer_survey(conn, sub.answer_id)
    if existing is not None:
        if existing == survey["id"] and answered:
            return "repeat"
        raise Refused("answer_id")
    if answered:
        raise Refused("answered")
    queries.store_answer(
        conn, survey["id"], user_id, sub.answer_id, sub.bundle, sub.copies, queries.today()
    )
    queries.spend_links(conn, survey["id"], user_id)
    return "stored"
