"""The one guard for communication's objects: an event of a programme the signed-in organiser
runs. Anything else is a 404."""

from __future__ import annotations

from typing import Any

from workspace.communication import queries
from workspace.core.db import get_db
from workspace.core.jsonapi import not_found
from workspace.organiser.access import my_programme


def my_event(programme_id: str, event_id: str) -> tuple[Any, Any]:
    """The programme (one I organise) and its event, or 404."""
    programme = my_programme(programme_id)
    event = queries.event(get_db(), event_id)
    if event is None or event["programme_id"] != programme["id"]:
        not_found()
    return programme, event
