"""The guard for a flag seen by the member who raised it (organisers go through
organiser.access.my_flag)."""

from __future__ import annotations

from typing import Any

from workspace.accounts import sessions
from workspace.core.db import get_db
from workspace.core.jsonapi import not_found
from workspace.flags import queries


def my_report(flag_id: str) -> Any:
    """A flag the signed-in member raised, or 404."""
    row = queries.flag(get_db(), flag_id)
    if row is None or row["reporter_id"] != sessions.current_user()["id"]:
        not_found()
    return row
