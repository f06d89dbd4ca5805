"""The dashboard's and the report's signals as set queries (issue 19, item 3): the same values as
the one-pair rules for every pair, in a fixed number of statements however many pairs there are,
and no statement that reads a meeting, goal or evaluation envelope."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.helpers import PASSPHRASE, Pair, login_browserless, open_db, synthetic_pair
from workspace.core import clock, db
from workspace.sharing import signals

AGREEMENT = {"schema": 1, "goals": "learn the unwritten rules", "duration": "6 months"}
ALL = tuple(signals.SIGNALS)


def _entry(conn: db.Connection, code: str, n: int, kind: str, when: str, *, done: int = 0) -> None:
    conn.execute(
        "INSERT INTO entries (id, notebook_id, entry_type, created_by, author_id, revision, "
        "envelope, size, done, created_at, updated_at) VALUES (?, ?, ?, ?, 'x', 1, ?, 2, ?, ?, ?)",
        (
            f"e_{code}_{n}",
            f"n_{code}",
            kind,
            f"u_{code}_{'mentor' if n % 2 else 'mentee'}",
            "{}",
            done,
            when,
            when,
        ),
    )


def _varied_programme(pair: Pair, instance: Path) -> None:
    """The real pair with a confirmed agreement, meetings and a flag, and synthetic pairs in
    every state: no notebook rows, meetings over months, evaluations begun and done, a phase
    moved by hand, consent from one member only, a withdrawn consent."""
    agreement = pair.mentor.add_entry(pair.id, "agreement", AGREEMENT)
    pair.mentor.confirm(pair.id, agreement)
    pair.mentee.confirm(pair.id, agreement)
    pair.mentee.add_entry(pair.id, "meeting", {"schema": 1, "notes": "first"})
    conn = open_db(instance)
    try:
        for signal in ALL:
            for user in conn.execute(
                "SELECT user_id FROM pair_members WHERE pair_id = ?", (pair.id,)
            ):
                signals.record_consent(conn, pair.id, user[0], signal, True, "w")
        g = pair.programme_id
        synthetic_pair(conn, g, "PB-EMPTY", shared=ALL)
        synthetic_pair(conn, g, "PB-MEET", shared=ALL)
        for n, month in enumerate(("2026-09-03", "2026-09-20", "2026-10-01", "2026-12-24")):
            _entry(conn, "PB-MEET", n, "meeting", f"{month}T10:00:00Z")
        synthetic_pair(conn, g, "PB-CLOSE", shared=ALL)
        _entry(conn, "PB-CLOSE", 1, "evaluation", "2026-11-01T10:00:00Z", done=1)
        synthetic_pair(conn, g, "PB-DONE", shared=ALL)
        _entry(conn, "PB-DONE", 1, "evaluation", "2026-11-01T10:00:00Z", done=1)
        _entry(conn, "PB-DONE", 2, "evaluation", "2026-11-02T10:00:00Z", done=1)
        synthetic_pair(conn, g, "PB-HAND", shared=ALL, phase_override="closing")
        synthetic_pair(conn, g, "PB-HALF", shared=("phase", "meetings"))
        signals.record_consent(conn, "p_PB-HALF", "u_PB-HALF_mentor", "meetings", False, "w")
        _entry(conn, "PB-HALF", 1, "meeting", "2026-10-05T10:00:00Z")
        conn.execute(
            "INSERT INTO pairs (id, programme_id, code, created_at) VALUES ('p_PB-NONE', ?, "
            "'PB-NONE', ?)",
            (g, clock.iso()),
        )
        conn.commit()
    finally:
        conn.close()
    pair.mentee.raise_flag(pair.id, "cancellations", "we keep missing each other")


def test_set_queries_agree_with_the_one_pair_rules(app: Flask, instance: Path, pair: Pair) -> None:
    _varied_programme(pair, instance)
    conn = open_db(instance)
    try:
        found = signals.statuses(conn, pair.programme_id)
        assert [r["pair"]["code"] for r in found] == sorted(r["pair"]["code"] for r in found)
        assert len(found) == 8
        for row in found:
            pid = row["pair"]["id"]
            allowed = signals.shared(conn, pid)
            reference = signals.compute(conn, pid)
            expected = {s: (reference[s] if s in allowed else None) for s in signals.SIGNALS}
            assert row["signals"] == expected, row["pair"]["code"]
            assert signals.visible(conn, pid) == expected
        by_code = {r["pair"]["code"]: r for r in found}
        real = next(r for r in found if r["pair"]["id"] == pair.id)
        assert real["signals"]["phase"] == "working"
        assert real["signals"]["agreement"]["confirmed"] is True
        assert real["open_flags"] == 1
        assert by_code["PB-MEET"]["signals"]["meetings"] == {
            "total": 4,
            "by_month": {"2026-09": 2, "2026-10": 1, "2026-12": 1},
        }
        assert by_code["PB-CLOSE"]["signals"]["phase"] == "closing"
        assert by_code["PB-DONE"]["signals"]["phase"] == "completed"
        assert by_code["PB-HAND"]["signals"]["phase"] == "closing"
        assert by_code["PB-HALF"]["signals"]["meetings"] is None
        assert by_code["PB-HALF"]["signals"]["phase"] == "start"
        assert set(by_code["PB-NONE"]["signals"].values()) == {None}
    finally:
        conn.close()


def test_a_swapped_agreement_envelope_voids_its_confirmations_in_the_set_too(
    app: Flask, instance: Path, pair: Pair
) -> None:
    _varied_programme(pair, instance)
    conn = open_db(instance)
    try:
        conn.execute(
            "UPDATE entries SET envelope = envelope || ' ' WHERE notebook_id = "
            "(SELECT id FROM notebooks WHERE pair_id = ?) AND entry_type = 'agreement'",
            (pair.id,),
        )
        conn.commit()
        real = next(
            r for r in signals.statuses(conn, pair.programme_id) if r["pair"]["id"] == pair.id
        )
        assert real["signals"]["phase"] == "start"
        assert real["signals"]["agreement"] == {"confirmed": False, "at": None}
        assert signals.compute(conn, pair.id)["agreement"]["confirmed"] is False
    finally:
        conn.close()


def _statements(app: Flask, path: str) -> list[str]:
    """The SQL statements the request at `path` runs, as the organiser."""
    client = app.test_client()
    login_browserless(client, "org@example.org", PASSPHRASE)
    assert client.get(path).status_code == 200  # warms the pool: the next request reuses it
    conn = db.pool(app).acquire()
    db.pool(app).release(conn)
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    try:
        assert client.get(path).status_code == 200
    finally:
        conn.set_trace_callback(None)
    return seen


def test_the_dashboard_and_report_run_a_fixed_number_of_statements(
    app: Flask, instance: Path, pair: Pair
) -> None:
    _varied_programme(pair, instance)
    dashboard = f"/organiser/programmes/{pair.programme_id}/dashboard"
    report = f"/organiser/programmes/{pair.programme_id}/report"
    few = {path: len(_statements(app, path)) for path in (dashboard, report)}
    conn = open_db(instance)
    try:
        for n in range(60):
            code = f"PB-M{n:03d}"
            synthetic_pair(conn, pair.programme_id, code, shared=ALL)
            _entry(conn, code, 1, "meeting", "2026-10-05T10:00:00Z")
            _entry(conn, code, 2, "evaluation", "2026-10-06T10:00:00Z", done=n % 2)
        conn.commit()
    finally:
        conn.close()
    many_dashboard = _statements(app, dashboard)
    assert len(many_dashboard) == few[dashboard]
    assert len(_statements(app, report)) == few[report]
    assert len(many_dashboard) < 30
    # No statement fetches entry rows whole, nor any envelope but the agreement's (hashed).
    for sql in many_dashboard + _statements(app, report):
        assert "SELECT *" not in sql or "FROM entries" not in sql, sql
        assert sql.count("envelope") == sql.count("sha256_hex(s.envelope)") + sql.count(
            "envelope_sha"
        ), sql
