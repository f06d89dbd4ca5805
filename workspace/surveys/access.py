"""The guards of surveys: a programme's survey its organiser reaches, a survey a member was
sent, and a single-use answer link. Anything else is a 404, in the caller's shape."""

from __future__ import annotations

from typing import Any

from workspace.accounts import sessions
from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import not_found
from workspace.organiser.access import my_programme
from workspace.pairs import queries as pairs
from workspace.surveys import definitions, queries


def my_surveys(programme_id: str) -> tuple[Any, dict[str, Any]]:
    """A programme the signed-in organiser runs and its three surveys (made on first use), or
    404."""
    programme = my_programme(programme_id)
    conn = get_db()
    found = queries.surveys_of(conn, programme_id)
    if len(found) < len(definitions.KINDS):
        with transaction(conn):
            found = queries.ensure_surveys(conn, programme)
    return programme, found


def my_survey(programme_id: str, kind: str) -> tuple[Any, Any]:
    """One survey of a programme the signed-in organiser runs, or 404."""
    if kind not in definitions.KINDS:
        not_found()
    programme, found = my_surveys(programme_id)
    return programme, found[kind]


def member_survey(survey_id: str) -> tuple[Any, Any, Any]:
    """A survey sent to the signed-in member, who is still in one of the programme's pairs:
    (survey, programme, their send), or 404."""
    user = sessions.current_user()
    conn = get_db()
    survey = queries.survey(conn, survey_id)
    send = queries.send_of(conn, survey_id, user["id"]) if survey else None
    if survey is None or send is None or user["role"] != "member":
        not_found()
    if not any(r["id"] == user["id"] for r in queries.recipients(conn, survey["programme_id"])):
        not_found()
    return survey, pairs.programme(conn, survey["programme_id"]), send


def survey_link(token: str) -> tuple[Any, Any, Any]:
    """The survey behind an unexpired single-use link (used or not): (survey, programme, link),
    or 404."""
    conn = get_db()
    row = queries.link(conn, token)
    if row is None or row["expires_on"] < queries.today():
        not_found()
    survey = queries.survey(conn, row["survey_id"])
    return survey, pairs.programme(conn, survey["programme_id"]), row
