"""The one guard for a pair seen by a member: pages and API alike ask here."""

from __future__ import annotations

from typing import Any

from workspace.accounts import sessions
from workspace.core.db import get_db
from workspace.core.jsonapi import not_found
from workspace.pairs import queries

# A member's pair is read in the session's own statement when the URL names it.
sessions.read_along("pair_id", queries.PAIR_FOR_EACH_MEMBER)


def my_pair(pair_id: str) -> Any:
    """The pair (with `my_role` and my `removed_at`) if the signed-in user is one of its members;
    otherwise 404, in the caller's shape (a page or a JSON error). Called before the view writes:
    the first call may answer with the row the session's statement read."""
    pair = sessions.row_read_along("pair_id", pair_id)
    if pair is sessions.NOT_READ:
        pair = queries.pair_for_member(pair_id, sessions.current_user()["id"], get_db())
    if pair is None:
        not_found()
    return pair
