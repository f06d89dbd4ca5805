"""The notebook's phase and what it puts first: start → working → closing → completed.

The rules only, from metadata (entry types, who made and confirmed what, the phase moved by hand);
notebook.queries applies them to what is stored. The API, the pages and the signals shown to
organisers all take the phase from here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Row = Any
PHASES = ("start", "working", "closing", "completed")
# What the notebook puts first in each phase.
ORDER = {
    "start": ("agreement", "goals", "meetings", "evaluation"),
    "working": ("meetings", "goals", "agreement", "evaluation"),
    "closing": ("evaluation", "goals", "meetings", "agreement"),
    "completed": ("evaluation", "meetings", "goals", "agreement"),
}


# The phases that end the mentoring: they cannot be reached before the programme has begun.
ENDING = ("closing", "completed")


def too_early(today: str, programme_start: str | None) -> bool:
    """Whether the programme has not started yet on `today` (ISO dates): then a pair cannot
    close or complete its mentoring, by hand or by finishing both evaluations."""
    return bool(programme_start) and today < str(programme_start)


def derive(rows: list[Row], member_ids: list[str], confirmed_by: Callable[[str], set[str]]) -> str:
    """start → working (agreement confirmed by both) → closing (an evaluation begun) →
    completed (both evaluations done). `rows` is every entry's metadata; `confirmed_by(entry_id)`
    names who confirmed the entry's current revision (asked only when it matters)."""
    evaluations = [r for r in rows if r["entry_type"] == "evaluation"]
    done_by = {r["created_by"] for r in evaluations if r["done"]}
    if member_ids and all(m in done_by for m in member_ids):
        return "completed"
    if evaluations:
        return "closing"
    agreement = next((r for r in rows if r["entry_type"] == "agreement"), None)
    if agreement is not None:
        confirmed = confirmed_by(agreement["id"])
        if member_ids and all(m in confirmed for m in member_ids):
            return "working"
    return "start"


def current(book: Row | None, derived: str) -> str:
    """The phase moved by hand if there is one, else the one the work has reached."""
    return (book["phase_override"] if book else None) or derived


def state(book: Row | None, derived: str) -> dict[str, Any]:
    """The phase as the API and the pages show it: derived from the work, moved by hand (and by
    whom), and the current one."""
    override = book["phase_override"] if book else None
    return {
        "derived": derived,
        "override": override,
        "override_by": book["phase_override_by"] if override else None,
        "current": current(book, derived),
    }


def moved_by(phase: dict[str, Any], user_id: str) -> str | None:
    """Who moved the phase by hand, seen by `user_id`: "me", "partner", or None."""
    by = phase["override_by"]
    return "me" if by == user_id else "partner" if by else None


def releases(override: str, derived_before: str, derived_after: str) -> bool:
    """A phase moved by hand holds until the pair's own work moves the derived phase to it or
    past it; from then on the phase follows their work again."""
    return derived_after != derived_before and PHASES.index(derived_after) >= PHASES.index(override)


def next_step(phase: str, stats: dict[str, Any], *, partner_left: bool = False) -> str:
    """The one thing the notebook suggests next (an id the templates turn into words)."""
    step = _next_with_partner(phase, stats)
    # Nothing is worth waiting for from a partner who deleted their account.
    return "partner-left" if partner_left and step.startswith("wait-partner") else step


def _next_with_partner(phase: str, stats: dict[str, Any]) -> str:
    if phase == "start":
        if stats["agreement"] is None:
            return "write-agreement"
        if not stats["agreement_mine"]:
            return "confirm-agreement"
        if not stats["agreement_partner"]:
            return "wait-partner-confirm"
        return "add-goals" if stats["goals"] == 0 else "log-meeting"
    if phase == "working":
        if stats["goals"] == 0:
            return "add-goals"
        return "log-meeting"
    if phase == "closing":
        mine = stats["my_evaluation"]
        if mine is None or not mine["done"]:
            return "write-evaluation"
        if stats["summary"] is None:
            return "write-summary"
        return "wait-partner-evaluation"
    mine = stats["my_evaluation"]
    # Completed by hand before my own evaluation was finished: that is still worth writing.
    if mine is None or not mine["done"]:
        return "write-evaluation"
    return "print"
