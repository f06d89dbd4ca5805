"""Complete exports: every row of every table that refers to a member or an organiser (by their
id or their email, in any column) is in their export, or the export names the column it leaves
out and says why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Flask

from memberclient.client import Client
from tests.helpers import Pair, new_organiser, new_pair, open_db
from workspace.core import audit, db
from workspace.rights import departures, retention
from workspace.sharing import signals
from workspace.surveys import queries as surveys

# Tables each person's rows must be found in, so the walk below cannot pass by finding nothing.
EXPECTED = {
    "mentor": {
        "users",
        "key_material",
        "pair_members",
        "invitations",
        "sessions",
        "recovery_grants",
        "outbox",
        "notebooks",
        "notebook_keys",
        "key_shares",
        "pins",
        "entries",
        "confirmations",
        "consents",
        "flags",
        "flag_messages",
        "retention_notices",
        "pair_notices",
        "survey_sends",
        "survey_links",
        "survey_responses",
    },
    "mentee": {
        "users",
        "pair_members",
        "pins",
        "key_shares",
        "notebook_keys",
        "confirmations",
        "carried_confirmations",
    },
    "organiser": {
        "users",
        "key_material",
        "invitations",
        "programme_organisers",
        "audit_log",
        "flag_messages",
        "outbox",
        "planning_items",
        "planning_notes",
    },
}


def _leaves(value: Any, found: set[str]) -> None:
    """Every scalar of the export, and every object or list as canonical JSON."""
    if isinstance(value, dict | list):
        found.add(json.dumps(value, sort_keys=True))
        for item in value.values() if isinstance(value, dict) else value:
            _leaves(item, found)
    else:
        found.add(json.dumps(value))


def _in_export(value: Any, found: set[str]) -> bool:
    if isinstance(value, bytes):
        return False
    if json.dumps(value) in found:
        return True
    if isinstance(value, int) and json.dumps(bool(value)) in found:
        return True  # 0/1 columns are exported as false/true
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return False
        return json.dumps(parsed, sort_keys=True) in found
    return False


def _rows_about(conn: db.Connection, user_id: str, email: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table with a column holding the person's id or email."""
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    out: dict[str, list[dict[str, Any]]] = {}
    for table in tables:
        columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
        where = " OR ".join(f'"{c}" = ? OR "{c}" = ? COLLATE NOCASE' for c in columns)
        rows = conn.execute(
            f'SELECT * FROM "{table}" WHERE {where}',  # noqa: S608 (names from sqlite_master)
            [v for _ in columns for v in (user_id, email)],
        ).fetchall()
        if rows:
            out[table] = [dict(zip(columns, r, strict=True)) for r in rows]
    return out


def _make_everything(app: Flask, pair: Pair) -> None:
    """Rows in every table: entries, a confirmation, a phase, a flag and its reply, a consent,
    a retention notice, a contact reveal, a start-over request, an invitation to a pair in
    another programme not accepted yet."""
    new_pair(app, new_organiser(app, "org2@example.org"), "mentor@example.org", "x@example.org")
    entry = pair.mentor.add_entry(pair.id, "agreement", {"goals": "Find work in IT"})
    pair.mentee.confirm(pair.id, entry)
    pair.mentor.set_phase(pair.id, "working")
    pair.mentor.raise_flag(pair.id, "other", "Please call me")
    flag = pair.organiser.programme_flags(pair.programme_id)[0]
    pair.organiser.reply_to_flag(pair.programme_id, flag, "I will call you")
    pair.mentor.request("POST", "/api/v1/reset/request", {"email": "mentor@example.org"})
    from tests.support.planning import sealed_note

    planning_notes = f"/api/v1/organiser/programmes/{pair.programme_id}/planning/goals/note"
    pair.organiser.request(
        "PUT", planning_notes, sealed_note(pair.organiser, pair.programme_id, "Aims")
    )
    conn = db.open_for_app(app)
    try:
        with db.transaction(conn):
            signals.record_consent(conn, pair.id, pair.mentor.user_id or "", "phase", True, "x")
            retention.record_notice(conn, pair.id, pair.mentor.user_id or "", 1)
            departures.add_notice(conn, pair.id, pair.mentor.user_id or "", "paused", None)
            carried = [{"user_id": pair.mentee.user_id, "confirmed_at": "2026-01-01T00:00:00Z"}]
            departures.carry_confirmations(conn, entry.entry_id, 1, "", carried)
            programme = conn.execute(
                "SELECT * FROM programmes WHERE id = ?", (pair.programme_id,)
            ).fetchone()
            survey = surveys.ensure_surveys(conn, programme)["longterm"]
            surveys.record_send(
                conn, survey["id"], pair.mentor.user_id or "", "mentor", "2026-01-02"
            )
            surveys.new_link(conn, survey["id"], pair.mentor.user_id or "", "2026-03-01")
            conn.execute(
                "INSERT INTO survey_responses (survey_id, user_id) VALUES (?, ?)",
                (survey["id"], pair.mentor.user_id),
            )
            audit.record(
                conn,
                pair.programme_id,
                pair.organiser.user_id,
                "contact.revealed",
                pair.setup.code,
                "asked",
            )
    finally:
        conn.close()


def test_every_row_about_a_person_is_in_their_export(
    app: Flask, pair: Pair, instance: Path
) -> None:
    _make_everything(app, pair)
    people: dict[str, Client] = {
        "mentor": pair.mentor,
        "mentee": pair.mentee,
        "organiser": pair.organiser,
    }
    for who, client in people.items():
        export = client.server_data()
        found: set[str] = set()
        _leaves(export, found)
        exclusions = export.get("not_exported", [])
        excluded = {(x["table"], x["column"]) for x in exclusions}
        assert all(x["why"] for x in exclusions), "each exclusion says why"
        conn = open_db(instance)
        try:
            about = _rows_about(conn, client.user_id or "", export["account"]["email"])
        finally:
            conn.close()
        assert set(about) >= EXPECTED[who], f"{who}: too few tables to check: {sorted(about)}"
        missing = []
        for table, rows in about.items():
            for row in rows:
                for column, value in row.items():
                    if value is None or (table, column) in excluded:
                        continue
                    if not _in_export(value, found):
                        missing.append(f"{table}.{column}={value!r}")
        assert missing == [], f"{who}'s export lacks: {missing}"


def test_the_export_holds_no_secret(pair: Pair, instance: Path) -> None:
    pair.mentor.request("POST", "/api/v1/reset/request", {"email": "mentor@example.org"})
    export = json.dumps(pair.mentor.server_data())
    conn = open_db(instance)
    try:
        links = [r[0] for r in conn.execute("SELECT body FROM outbox")]
    finally:
        conn.close()
    tokens = [part.split()[0] for body in links for part in body.split("/reset/")[1:]]
    tokens += [part.split()[0] for body in links for part in body.split("/join/")[1:]]
    assert tokens, "the test needs emailed links"
    for token in tokens:
        assert token not in export
    assert "[link removed]" in export
