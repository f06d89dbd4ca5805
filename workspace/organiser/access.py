"""The one guard for what an organiser reaches: a programme they organise, and the pairs, members
and flags inside it. Anything else is a 404, in the caller's shape."""

from __future__ import annotations

from typing import Any

from workspace.accounts import sessions
from workspace.core.db import get_db
from workspace.core.jsonapi import not_found
from workspace.flags import queries as flags
from workspace.organiser import programmes
from workspace.pairs import queries as pairs


def my_programme(programme_id: str) -> Any:
    """A programme the signed-in organiser runs, or 404."""
    row = programmes.organised_by(get_db(), programme_id, sessions.current_user()["id"])
    if row is None:
        not_found()
    return row


def my_pair(pair_id: str, programme_id: str | None = None) -> tuple[Any, Any]:
    """A pair in one of my programmes (in `programme_id`, when the address names one) and its
    programme, or 404."""
    pair = pairs.pair(get_db(), pair_id)
    if pair is None or (programme_id is not None and pair["programme_id"] != programme_id):
        not_found()
    return pair, my_programme(pair["programme_id"])


def my_flag(flag_id: str, programme_id: str | None = None) -> Any:
    """A flag raised in one of my programmes (in `programme_id`, when the address names one),
    or 404."""
    row = flags.flag(get_db(), flag_id)
    if row is None or (programme_id is not None and row["programme_id"] != programme_id):
        not_found()
    my_programme(row["programme_id"])
    return row
