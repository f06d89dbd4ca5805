"""The one guard for a pair seen by a member: pages and API alike ask here."""

from __future__ import annotations

from typing import Any

from workspace.accounts import sessions
from workspace.core.db import get_db
from workspace.core.jsonapi import not_found
from workspace.pairs import queries


def my_pair(pair_id: str) -> Any:
    """The pair (with `my_role` and my `removed_at`) if the signed-in user is one of its members;
    otherwise 404, in the caller's shape (a page or a JSON error)."""
    pair = queries.pair_for_member(pair_id, sessions.current_user()["id"], get_db())
    if pair is None:
        not_found()
    return pair
