"""The one place that reads the time, so tests and `purge --now` can move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_offset = timedelta(0)


def now() -> datetime:
    """The current time in UTC (plus any offset a test has set)."""
    return datetime.now(UTC) + _offset


def iso(moment: datetime | None = None) -> str:
    """An ISO 8601 UTC timestamp with seconds, as stored in the database."""
    return (moment or now()).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse(text: str) -> datetime:
    """Parse a stored timestamp."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def travel(delta: timedelta) -> None:
    """Move the clock (tests only)."""
    global _offset
    _offset += delta


def reset() -> None:
    """Undo every `travel` (tests only)."""
    global _offset
    _offset = timedelta(0)
