"""Status signals: computed from notebook metadata only, shown to organisers only with consent."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l

from workspace.core import clock, db
from workspace.flags import queries as flags
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
        "How many meetings you have had each month, not what they were about: while you "
        "both share this, your notebook tells the server the month of each meeting (such as "
        "2026-11) and nothing else of it. It helps the organiser follow how often pairs meet."
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
    """Every signal's value for a pair, from metadata (types, dates, phase), never content: the
    rules in their plainest form, one pair at a time. `statuses` computes the same for every
    pair of a programme in a fixed number of statements (tests check that the two agree)."""
    ids = pairs.member_ids(conn, pair_id)
    book = pairs.notebook_for_pair(conn, pair_id)
    if book is None:
        return _no_notebook()
    rows = notebook.entry_meta(conn, book["id"])
    phase_now = phase.current(book, notebook.derived_phase(conn, book["id"], ids, rows))
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
            month = r["meeting_month"] or r["created_at"][:7]  # stated, else logged
            by_month[month] = by_month.get(month, 0) + 1
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
    """What the organiser may see of one pair: each signal's value, or None for "not shared"."""
    found = _statuses(conn, "p.id = ?", pair_id)
    return found[0]["signals"] if found else {s: None for s in SIGNALS}


def statuses(conn: db.Connection, programme_id: str) -> list[dict[str, Any]]:
    """Every pair of a programme, by code, with what the organiser may see of it: ``pair`` (id,
    code, created_at), ``signals`` (as `visible`) and ``open_flags``. Seven statements whatever
    the number of pairs, over metadata and indexes only (no meeting, goal or evaluation
    envelope is read; the agreement's is hashed in SQL to check that confirmations bind it)."""
    return _statuses(conn, "p.programme_id = ?", programme_id)


def stale_statuses(conn: db.Connection, programme_id: str) -> list[dict[str, Any]]:
    """`statuses` of the programme's pairs marked stale for `summary` to recompute."""
    # The unary + keeps SQLite from walking every pair of the programme by its index: the stale
    # pairs (a few, usually) lead and are looked up by id.
    return _statuses(
        conn,
        "p.id IN (SELECT pair_id FROM signal_stale) AND +p.programme_id = ?",
        programme_id,
    )


# --- the same rules over a whole programme --------------------------------------------------
# Each statement is scoped by `p` (pairs), either to a programme or to one pair.
_NOTEBOOK_ENTRIES = (
    "FROM entries e JOIN notebooks n ON n.id = e.notebook_id JOIN pairs p ON p.id = n.pair_id "
)
_STATEMENTS = {
    "pairs": "SELECT p.id, p.code, p.created_at, n.id AS notebook_id, n.phase_override "
    "FROM pairs p LEFT JOIN notebooks n ON n.pair_id = p.id WHERE {scope} ORDER BY p.code",
    "members": "SELECT m.pair_id, m.user_id FROM pair_members m JOIN pairs p ON p.id = m.pair_id "
    "WHERE {scope}",
    # The signals both members currently share, per pair: each member's latest decision (the
    # row holding max(id) in its group), kept when it is "share" for both.
    "shared": "SELECT pair_id, group_concat(signal) AS signals FROM ("
    "SELECT d.pair_id, d.signal FROM ("
    "SELECT c.pair_id, c.user_id, c.signal, c.decision, max(c.id) FROM consents c "
    "WHERE c.pair_id IN (SELECT p.id FROM pairs p WHERE {scope}) AND EXISTS (SELECT 1 "
    "FROM pair_members m WHERE m.pair_id = c.pair_id AND m.user_id = c.user_id) "
    "GROUP BY c.pair_id, c.user_id, c.signal) d "
    "WHERE d.decision = 1 GROUP BY d.pair_id, d.signal HAVING count(*) = 2) GROUP BY pair_id",
    # Per notebook and month (a meeting's stated month, else the month it was written):
    # meetings, and the latest change of any entry.
    "months": "SELECT e.notebook_id, coalesce(e.meeting_month, substr(e.created_at, 1, 7)) "
    "AS month, "
    "sum(e.entry_type = 'meeting') AS n, max(e.updated_at) AS last "
    + _NOTEBOOK_ENTRIES
    + "WHERE {scope} GROUP BY e.notebook_id, month",
    "evaluations": "SELECT e.notebook_id, e.created_by, e.done "
    + _NOTEBOOK_ENTRIES
    + "WHERE {scope} AND e.entry_type = 'evaluation'",
    # The first agreement of each notebook (as the notebook orders entries: by created_at,
    # then rowid), its envelope hashed once, and the signed confirmations of its current
    # revision that are bound to that envelope.
    "confirmations": "WITH a AS MATERIALIZED (SELECT e.notebook_id, e.id, e.revision, "
    "min(e.created_at || printf('%020d', e.rowid)) "
    "FROM entries e JOIN notebooks n ON n.id = e.notebook_id JOIN pairs p ON p.id = n.pair_id "
    "WHERE {scope} AND e.entry_type = 'agreement' GROUP BY e.notebook_id), "
    "h AS MATERIALIZED (SELECT a.notebook_id, a.id, a.revision, sha256_hex(s.envelope) AS sha "
    "FROM a JOIN entries s ON s.id = a.id WHERE EXISTS (SELECT 1 FROM confirmations k "
    "WHERE k.entry_id = a.id AND k.revision = a.revision AND k.sig IS NOT NULL)) "
    "SELECT h.notebook_id, h.id AS entry_id, c.user_id, c.confirmed_at FROM h "
    "JOIN confirmations c ON c.entry_id = h.id AND c.revision = h.revision "
    "AND c.sig IS NOT NULL AND c.envelope_sha = h.sha",
    "flags": "SELECT f.pair_id, count(*) AS n FROM flags f JOIN pairs p ON p.id = f.pair_id "
    "WHERE {scope} AND f.withdrawn_at IS NULL "
    "AND f.status IN (SELECT value FROM json_each(?)) GROUP BY f.pair_id",
}


def _statuses(conn: db.Connection, scope: str, value: str) -> list[dict[str, Any]]:
    def run(name: str, *extra: Any) -> list[Row]:
        return conn.execute(_STATEMENTS[name].format(scope=scope), (value, *extra)).fetchall()

    pair_rows = run("pairs")
    members: dict[str, list[str]] = {}
    for r in run("members"):
        members.setdefault(r["pair_id"], []).append(r["user_id"])
    shared_by = {r["pair_id"]: set(r["signals"].split(",")) for r in run("shared")}
    months: dict[str, dict[str, int]] = {}
    last: dict[str, str] = {}
    for r in run("months"):
        if r["n"]:
            months.setdefault(r["notebook_id"], {})[r["month"]] = r["n"]
        if r["last"] > last.get(r["notebook_id"], ""):
            last[r["notebook_id"]] = r["last"]
    evaluations: dict[str, list[Row]] = {}
    for r in run("evaluations"):
        evaluations.setdefault(r["notebook_id"], []).append(r)
    agreements: dict[str, tuple[str, dict[str, str]]] = {}
    for r in run("confirmations"):
        agreements.setdefault(r["notebook_id"], (r["entry_id"], {}))[1][r["user_id"]] = r[
            "confirmed_at"
        ]
    open_flags = {r["pair_id"]: r["n"] for r in run("flags", json.dumps(flags.OPEN_STATUSES))}
    found = []
    for p in pair_rows:
        ids = members.get(p["id"], [])
        values = _values(p, ids, months, last, evaluations, agreements)
        allowed = shared_by.get(p["id"], set()) if len(ids) == 2 else set()
        found.append(
            {
                "pair": p,
                "signals": {s: (values[s] if s in allowed else None) for s in SIGNALS},
                "open_flags": open_flags.get(p["id"], 0),
            }
        )
    return found


def _values(
    p: Row,
    ids: list[str],
    months: dict[str, dict[str, int]],
    last: dict[str, str],
    evaluations: dict[str, list[Row]],
    agreements: dict[str, tuple[str, dict[str, str]]],
) -> dict[str, Any]:
    """`compute` for one pair, from the programme-wide aggregates."""
    book = p["notebook_id"]
    if book is None:
        return _no_notebook()
    agreement_id, confirmed = agreements.get(book, (None, {}))
    rows: list[dict[str, Any]] = [
        {"entry_type": "evaluation", "created_by": r["created_by"], "done": r["done"]}
        for r in evaluations.get(book, [])
    ]
    if agreement_id is not None:
        rows.append({"entry_type": "agreement", "id": agreement_id})
    derived = phase.derive(rows, ids, lambda _entry: set(confirmed))
    confirmed_at = max(confirmed.values())[:10] if ids and set(confirmed) >= set(ids) else None
    by_month = months.get(book, {})
    done = sum(1 for r in evaluations.get(book, []) if r["done"])
    moment = last.get(book)
    return {
        "phase": p["phase_override"] or derived,
        "agreement": {"confirmed": confirmed_at is not None, "at": confirmed_at},
        "meetings": {"total": sum(by_month.values()), "by_month": dict(sorted(by_month.items()))},
        "evaluation": {"done": done, "complete": len(ids) == 2 and done >= 2},
        "activity": {"week": _week_of(moment[:10]) if moment else None},
    }


@lru_cache(maxsize=4096)
def _week_of(day: str) -> str:
    """`iso_week` of a stored timestamp's (UTC) date, "2026-12-01" → "2026-W49"."""
    return iso_week(datetime.fromisoformat(day))


def _no_notebook() -> dict[str, Any]:
    return {
        "phase": "start",
        "agreement": {"confirmed": False, "at": None},
        "meetings": {"total": 0, "by_month": {}},
        "evaluation": {"done": 0, "complete": False},
        "activity": {"week": None},
    }
