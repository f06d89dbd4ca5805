"""Status signals: computed from notebook metadata only, shown to organisers only with consent."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from workspace.core import clock, db
from workspace.notebook import phase
from workspace.notebook import queries as notebook
from workspace.pairs import queries as pairs

Row = Any

# One plain sentence each: what is shared and why. Shown on the member's sharing page; the
# hash of the exact sentence shown is kept with every decision.
SIGNALS: dict[str, Any] = {
    "phase": _l(
        "Which phase your pair is in (start, working, closing or completed). "
        "It helps the organiser see how the programme is going."
    ),
    "agreement": _l(
        "Whether you have both confirmed your mentoring agreement, and when. "
        "It tells the organiser that your pair has got started."
    ),
    "meetings": _l(
        "How many meetings you have logged each month, not what they were about. "
        "It helps the organiser follow how often pairs meet."
    ),
    "evaluation": _l(
        "Whether your closing evaluations are done. It helps the organiser plan the end of "
        "the programme."
    ),
    "activity": _l(
        "The week your notebook was last used. It lets the organiser notice if a pair has "
        "gone quiet and offer help."
    ),
}
SIGNAL_NAMES: dict[str, Any] = {
    "phase": _l("Phase"),
    "agreement": _l("Agreement confirmed"),
    "meetings": _l("Meetings per month"),
    "evaluation": _l("Closing evaluation done"),
    "activity": _l("Last activity"),
}


def wording_sha(text: str) -> str:
    """The hash kept with a consent decision, of the sentence the member saw."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_consent(
    conn: db.Connection, pair_id: str, user_id: str, signal: str, decision: bool, wording: str
) -> None:
    """Keep one consent decision (the caller holds the transaction)."""
    conn.execute(
        "INSERT INTO consents (pair_id, user_id, signal, decision, wording_sha, decided_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (pair_id, user_id, signal, int(decision), wording_sha(wording), clock.iso()),
    )


def forget_member(conn: db.Connection, pair_id: str, user_id: str) -> None:
    """Delete a member's consent record in a pair (they leave it, or delete their account)."""
    conn.execute("DELETE FROM consents WHERE pair_id = ? AND user_id = ?", (pair_id, user_id))


def delete_programme_consents(conn: db.Connection, programme_id: str) -> int:
    """Delete the consent records of a programme's pairs (past retention); return how many."""
    cur = conn.execute(
        "DELETE FROM consents WHERE pair_id IN (SELECT id FROM pairs WHERE programme_id = ?)",
        (programme_id,),
    )
    return cur.rowcount


def consents_of(conn: db.Connection, user_id: str) -> list[Any]:
    """Every consent decision a person made, oldest first, with the pair's code (their export)."""
    return conn.execute(
        "SELECT c.signal, c.decision, c.wording_sha, c.decided_at, p.code AS pair_code "
        "FROM consents c JOIN pairs p ON p.id = c.pair_id WHERE c.user_id = ? ORDER BY c.id",
        (user_id,),
    ).fetchall()


def consents(conn: db.Connection, pair_id: str) -> dict[tuple[str, str], bool]:
    """The current decision of each member for each signal (absent means not given)."""
    rows = conn.execute(
        "SELECT user_id, signal, decision FROM consents WHERE id IN ("
        "SELECT max(id) FROM consents WHERE pair_id = ? GROUP BY user_id, signal)",
        (pair_id,),
    ).fetchall()
    return {(r["user_id"], r["signal"]): bool(r["decision"]) for r in rows}


def shared(conn: db.Connection, pair_id: str) -> set[str]:
    """Signals that both members currently consent to share."""
    decisions = consents(conn, pair_id)
    ids = pairs.member_ids(conn, pair_id)
    return {s for s in SIGNALS if len(ids) == 2 and all(decisions.get((u, s)) for u in ids)}


def iso_week(moment: datetime) -> str:
    """The ISO week of a moment, as shown for last activity: "2026-W49"."""
    year, number, _day = moment.isocalendar()
    return f"{year}-W{number:02d}"


def week_start(week: str) -> date:
    """The Monday of an ISO week written as ``iso_week`` writes it."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def compute(conn: db.Connection, pair_id: str) -> dict[str, Any]:
    """Every signal's value for a pair, from metadata (types, dates, phase), never content."""
    ids = pairs.member_ids(conn, pair_id)
    book = pairs.notebook_for_pair(conn, pair_id)
    if book is None:
        return {
            "phase": "start",
            "agreement": {"confirmed": False, "at": None},
            "meetings": {"total": 0, "by_month": {}},
            "evaluation": {"done": 0, "complete": False},
            "activity": {"week": None},
        }
    rows = notebook.entries(conn, book["id"])
    phase_now = phase.current(book, notebook.derived_phase(conn, book["id"], ids))
    agreement = next((r for r in rows if r["entry_type"] == "agreement"), None)
    confirmed_at = None
    if agreement is not None:
        confs = [
            c
            for c in notebook.current_confirmations(conn, book["id"])
            if c["entry_id"] == agreement["id"]
        ]
        if {c["user_id"] for c in confs} >= set(ids) and ids:
            confirmed_at = max(c["confirmed_at"] for c in confs)[:10]
    by_month: dict[str, int] = {}
    for r in rows:
        if r["entry_type"] == "meeting":
            by_month[r["created_at"][:7]] = by_month.get(r["created_at"][:7], 0) + 1
    done = sum(1 for r in rows if r["entry_type"] == "evaluation" and r["done"])
    last = max((r["updated_at"] for r in rows), default=None)
    # Only the ISO week leaves this function: the member consented to the week, and every page
    # and filter the organiser uses reads this value, so nothing finer can reach them.
    week = iso_week(clock.parse(last)) if last else None
    return {
        "phase": phase_now,
        "agreement": {"confirmed": confirmed_at is not None, "at": confirmed_at},
        "meetings": {"total": sum(by_month.values()), "by_month": dict(sorted(by_month.items()))},
        "evaluation": {"done": done, "complete": len(ids) == 2 and done >= 2},
        "activity": {"week": week},
    }


def visible(conn: db.Connection, pair_id: str) -> dict[str, Any]:
    """What the organiser may see: each signal's value, or None for "not shared"."""
    allowed = shared(conn, pair_id)
    values = compute(conn, pair_id)
    return {s: (values[s] if s in allowed else None) for s in SIGNALS}
