"""The one place that reads the time, so tests and `purge --now` can move it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_STORED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", re.ASCII)

_offset = timedelta(0)


def now() -> datetime:
    """The current time in UTC (plus any offset a test has set)."""
    return datetime.now(UTC) + _offset


def iso(moment: datetime | None = None) -> str:
    """An ISO 8601 UTC timestamp with seconds, as stored in the database."""
    return (moment or now()).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse(text: str) -> datetime:
    """Parse a stored timestamp."""
    if _STORED.fullmatch(text):
        # The stored form exactly (fromisoformat would take others too): ten times faster than
        # strptime, and every signed-in request parses its session's times.
        return datetime.fromisoformat(text)
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def travel(delta: timedelta) -> None:
    """Move the clock (tests only)."""
    global _offset
    _offset += delta


def reset() -> None:
    """Undo every `travel` (tests only)."""
    global _offset
    _offset = timedelta(0)
