"""The guards of recruitment: an application an organiser reaches, a programme's public call page,
and an applicant's own link. Anything else is a 404, in the caller's shape."""

from __future__ import annotations

from typing import Any

from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import not_found
from workspace.organiser.access import my_programme
from workspace.recruitment import queries


def my_application(application_id: str, programme_id: str) -> Any:
    """An application in `programme_id`, which the signed-in organiser organises, or 404."""
    my_programme(programme_id)
    row = queries.application(get_db(), application_id)
    if row is None or row["programme_id"] != programme_id:
        not_found()
    return row


def my_recruitment(programme_id: str) -> tuple[Any, Any]:
    """A programme the signed-in organiser organises and its recruitment row (created on first
    use, in its own transaction), or 404."""
    programme = my_programme(programme_id)
    conn = get_db()
    row = queries.recruitment(conn, programme_id)
    if row is None:
        with transaction(conn):
            row = queries.ensure_recruitment(conn, programme_id, programme["name"])
    return programme, row


def public_recruitment(slug: str) -> Any:
    """The recruitment behind a public /apply/<slug> address, or 404."""
    row = queries.by_slug(get_db(), slug)
    if row is None:
        not_found()
    return row


def applicant_link(token: str, purpose: str) -> Any:
    """The application behind an applicant's unexpired link of this purpose, or 404."""
    row = queries.open_token(get_db(), token, purpose)
    if row is None:
        not_found()
    return row
