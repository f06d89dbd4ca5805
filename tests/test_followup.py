"""What the organiser sees: consent gating, flags, suppression, contact reveal, audit."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

import crypto
from memberclient.client import Client, ClientError
from tests.conftest import csrf_token
from tests.helpers import (
    PASSPHRASE,
    Pair,
    everything_on_disk,
    login_browserless,
    open_db,
    synthetic_pair,
)
from workspace.core import clock
from workspace.organiser import report
from workspace.sharing import signals

_TOKEN = re.compile(r'(csrf_token"[^>]*value="|csrf-token" content="|"X-CSRFToken": ")[^"]+"')


def _browser(app: Flask, email: str, passphrase: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login_browserless(client, email, passphrase).status_code == 200
    return client


def _share(client: FlaskClient, pair_id: str, signal: str, decision: str) -> None:
    token = csrf_token(client, f"/pairs/{pair_id}/sharing")
    response = client.post(
        f"/pairs/{pair_id}/sharing",
        data={"csrf_token": token, "signal": signal, "decision": decision},
    )
    assert response.status_code == 303


def test_signal_shown_only_while_both_consent(app: Flask, pair: Pair, instance: Path) -> None:
    pair.mentor.add_entry(pair.id, "meeting", {"notes": "x"})
    org = _browser(app, "org@example.org", PASSPHRASE)
    a = _browser(app, "mentor@example.org", PASSPHRASE + " mentor")
    b = _browser(app, "mentee@example.org", PASSPHRASE + " mentee")
    dashboard = f"/organiser/programmes/{pair.programme_id}/dashboard"

    def meetings_cell() -> str:
        page = org.get(dashboard).get_data(as_text=True)
        row = page.split(pair.setup.code, 1)[1].split("</tr>", 1)[0]
        return re.findall(r"<td>(.*?)</td>", row, re.S)[2].strip()

    assert "not shared" in meetings_cell()
    _share(a, pair.id, "meetings", "1")
    assert "not shared" in meetings_cell(), "one member's consent is not enough"
    _share(b, pair.id, "meetings", "1")
    assert meetings_cell() == "1"
    _share(a, pair.id, "meetings", "0")
    assert "not shared" in meetings_cell(), "withdrawal takes effect at once"
    conn = open_db(instance)
    records = conn.execute(
        "SELECT user_id, signal, decision, wording_sha FROM consents ORDER BY id"
    ).fetchall()
    conn.close()
    assert [(r["user_id"], r["decision"]) for r in records] == [
        (pair.mentor.user_id, 1),
        (pair.mentee.user_id, 1),
        (pair.mentor.user_id, 0),
    ]
    assert records[0]["wording_sha"] == signals.wording_sha(str(signals.SIGNALS["meetings"]))
    assert pair.mentee


def _normalise(text: str) -> str:
    return _TOKEN.sub(r"\1TOKEN\"", text)


def test_partner_sees_nothing_of_a_flag(app: Flask, pair: Pair, instance: Path) -> None:
    partner = _browser(app, "mentor@example.org", PASSPHRASE + " mentor")
    pid = pair.id
    paths = [
        "/api/v1/pairs",
        f"/api/v1/pairs/{pid}",
        f"/api/v1/pairs/{pid}/entries",
        "/api/v1/me/flags",
        f"/api/v1/pairs/{pid}/organisers",
        "/api/v1/me",
        f"/pairs/{pid}/sharing",
        f"/pairs/{pid}/report",
        "/pairs",
        f"/pairs/{pid}",
    ]

    def snapshot() -> dict[str, tuple[int, str]]:
        out = {}
        for path in paths:
            response = partner.get(path)
            out[path] = (response.status_code, _normalise(response.get_data(as_text=True)))
        return out

    before = snapshot()
    canary = "CanaryFlagMessage-31337"
    flag_id = pair.mentee.raise_flag(pid, "cancellations", canary)
    assert snapshot() == before
    # The organiser opens the sealed message; the server never holds it in clear.
    (flag,) = pair.organiser.programme_flags(pair.programme_id)
    assert flag["flag_id"] == flag_id and flag["opened"][0]["text"] == canary
    assert canary not in everything_on_disk(instance)
    pair.organiser.reply_to_flag(pair.programme_id, flag, "Thanks, I will call you.")
    (mine,) = pair.mentee.my_flags(pid)
    assert [m.get("text") for m in mine["opened"]] == [canary, "Thanks, I will call you."]
    org = _browser(app, "org@example.org", PASSPHRASE)
    page = org.get(f"/organiser/programmes/{pair.programme_id}/flags")
    assert "Meetings are cancelled again and again" in page.get_data(as_text=True)
    assert snapshot() == before
    assert pair.mentor.my_flags(pid) == []


def test_flag_status_is_audited_and_reporter_can_withdraw(app: Flask, pair: Pair) -> None:
    flag_id = pair.mentee.raise_flag(pair.id, "language")
    org = _browser(app, "org@example.org", PASSPHRASE)
    url = f"/organiser/programmes/{pair.programme_id}/flags"
    response = org.post(
        f"{url}/{flag_id}/status",
        data={"csrf_token": csrf_token(org, url), f"{flag_id}-status": "in_contact"},
    )
    assert response.status_code == 303
    audit_page = org.get(f"/organiser/programmes/{pair.programme_id}/audit").get_data(as_text=True)
    assert f"Flag status changed to In contact (pair {pair.setup.code})" in audit_page
    assert "in_contact" not in audit_page, "a sentence, not the stored code"
    pair.mentee.request("POST", f"/api/v1/me/flags/{flag_id}/withdraw")
    (flag,) = pair.organiser.programme_flags(pair.programme_id)
    assert flag["status"] == "in_contact" and flag["withdrawn_at"]


def test_a_repeated_message_id_is_a_conflict_and_changes_nothing(
    pair: Pair, instance: Path
) -> None:
    pid = pair.id
    flag_id = pair.mentee.raise_flag(pid, "other", "The first report")
    (flag,) = pair.mentee.my_flags(pid)
    report_id = flag["messages"][0]["message_id"]
    programme_id, organisers = pair.mentee._organiser_bundles(pid)
    me = pair.mentee._require_secrets().identity.bundle()

    def add(message_id: str) -> dict[str, object]:
        copies = pair.mentee._seal_copies(
            "addition", programme_id, message_id, [*organisers, me], {"text": "More"}
        )
        body = {"message_id": message_id, "copies": copies}
        return pair.mentee.request("POST", f"/api/v1/me/flags/{flag_id}/messages", body)

    def stored() -> int:
        with open_db(instance) as conn:
            return conn.execute("SELECT COUNT(*) FROM flag_messages").fetchone()[0]

    first = crypto.new_entry_id()
    add(first)
    before = stored()
    for repeated in (first, report_id):
        with pytest.raises(ClientError) as caught:
            add(repeated)
        assert caught.value.status == 409
        assert stored() == before
    (flag,) = pair.mentee.my_flags(pid)
    assert [m["text"] for m in flag["opened"]] == ["The first report", "More"]


def test_contact_reveal_needs_reason_and_is_audited(app: Flask, pair: Pair) -> None:
    org = _browser(app, "org@example.org", PASSPHRASE)
    dashboard = org.get(f"/organiser/programmes/{pair.programme_id}/dashboard").get_data(
        as_text=True
    )
    assert "mentor@example.org" not in dashboard and "Maija" not in dashboard
    url = f"/organiser/programmes/{pair.programme_id}/pairs/{pair.id}/contact"
    refused = org.post(url, data={"csrf_token": csrf_token(org, url), "reason": ""})
    assert refused.status_code == 400 and "mentor@example.org" not in refused.get_data(as_text=True)
    shown = org.post(
        url, data={"csrf_token": csrf_token(org, url), "reason": "Mentee asked for a call"}
    )
    body = shown.get_data(as_text=True)
    assert "mentor@example.org" in body and "mentee@example.org" in body
    audit_page = org.get(f"/organiser/programmes/{pair.programme_id}/audit").get_data(as_text=True)
    assert (
        f"Contact details of pair {pair.setup.code} shown" in audit_page
        and "Mentee asked for a call" in audit_page
    )
    assert pair.setup.code in audit_page


def test_member_cannot_reach_another_pairs_follow_up(app: Flask, pair: Pair) -> None:
    from tests.helpers import new_pair

    other = new_pair(app, pair.organiser, "m9@example.org", "e9@example.org", pair.programme_id)
    outsider = Client.for_app(app)
    outsider.register(other.mentor_link, PASSPHRASE + " o", "Out")
    browser = _browser(app, "m9@example.org", PASSPHRASE + " o")
    for path in (
        f"/pairs/{pair.id}/sharing",
        f"/pairs/{pair.id}/report",
        f"/api/v1/pairs/{pair.id}/organisers",
        f"/organiser/programmes/{pair.programme_id}/dashboard",
    ):
        assert browser.get(path).status_code == 404, path
    token = csrf_token(browser, f"/pairs/{other.pair_id}/sharing")
    assert (
        browser.post(
            f"/pairs/{pair.id}/sharing",
            data={"csrf_token": token, "signal": "phase", "decision": "1"},
        ).status_code
        == 404
    )


def _synthetic_programme(instance: Path, phases: dict[str, int]) -> str:
    """Pairs whose members both share their phase, written straight into the database."""
    conn = open_db(instance)
    now = clock.iso()
    conn.execute(
        "INSERT INTO programmes (id, name, language, start_date, mid_date, end_date, created_at) "
        "VALUES ('g_syn', 'Synthetic', 'en', '2026-01-01', '2026-03-01', '2026-06-01', ?)",
        (now,),
    )
    n = 0
    for phase, count in phases.items():
        for _ in range(count):
            n += 1
            shown = phase != "not_shared"
            synthetic_pair(
                conn,
                "g_syn",
                f"PB-{n:04d}",
                shared=("phase",) if shown else (),
                phase_override=phase if shown else None,
            )
    conn.commit()
    conn.close()
    return "g_syn"


def test_small_cells_are_suppressed_and_cannot_be_differenced(app: Flask, instance: Path) -> None:
    programme = _synthetic_programme(
        instance, {"start": 6, "working": 3, "closing": 7, "completed": 8, "not_shared": 9}
    )
    conn = open_db(instance)
    data = report.programme_report(conn, programme)
    conn.close()
    phase_table = data["tables"][0]
    cells = {str(label): cell for label, cell in phase_table.rows}
    assert cells["Working"] == report.HIDDEN  # hidden, as every count under 5
    assert phase_table.total == "33"
    # Secondary suppression: with the total published, one hidden cell would be total minus
    # the others; so at least one more cell is hidden, and no visible sum recovers "3".
    hidden = [label for label, cell in cells.items() if cell == report.HIDDEN]
    assert len(hidden) >= 2 and "Start" in hidden
    visible_sum = sum(int(c) for c in cells.values() if c != report.HIDDEN)
    assert 33 - visible_sum != 3
    # Each breakdown is over the same set of pairs: no two tables can be subtracted to
    # recover a hidden cell, and the report takes no filters (see the route test below).
    meetings = data["tables"][1]
    assert meetings.total == phase_table.total


def test_report_pages_and_csv_export_is_audited(app: Flask, pair: Pair) -> None:
    org = _browser(app, "org@example.org", PASSPHRASE)
    base = f"/organiser/programmes/{pair.programme_id}"
    html = org.get(f"{base}/report").get_data(as_text=True)
    assert "Pairs by phase" in html and "&lt;5" in html
    html_filtered = org.get(f"{base}/report?phase=start&from=2020-01-01").get_data(as_text=True)
    assert _normalise(html) == _normalise(html_filtered)
    response = org.get(f"{base}/report.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert ["Pairs", "<5"] in rows
    assert all(
        cell in ("<5", "") or not cell.isdigit() or int(cell) >= 5
        for row in rows
        for cell in row[1:]
    )
    assert "Report exported" in org.get(f"{base}/audit").get_data(as_text=True)


def test_dashboard_filters_and_charts(app: Flask, pair: Pair) -> None:
    a = _browser(app, "mentor@example.org", PASSPHRASE + " mentor")
    b = _browser(app, "mentee@example.org", PASSPHRASE + " mentee")
    for client in (a, b):
        _share(client, pair.id, "phase", "1")
    org = _browser(app, "org@example.org", PASSPHRASE)
    base = f"/organiser/programmes/{pair.programme_id}/dashboard"
    page = org.get(base).get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page and "<table" in page
    assert pair.setup.code in org.get(base + "?phase=start").get_data(as_text=True)
    assert pair.setup.code not in org.get(base + "?phase=working").get_data(as_text=True)
    # No activity shared: the pair needs attention.
    assert pair.setup.code in org.get(base + "?attention=1").get_data(as_text=True)
    assert pair.mentor


@pytest.mark.parametrize("counts", [[6, 3, 7], [0, 0, 9], [10, 12, 4, 30]])
def test_suppress_never_leaves_a_single_hidden_cell(counts: list[int]) -> None:
    cells, total = report.suppress(counts, sum(counts))
    hidden = [c for c in cells if c == report.HIDDEN]
    assert len(hidden) != 1
    assert all(c == report.HIDDEN for c, n in zip(cells, counts, strict=True) if n < 5)
