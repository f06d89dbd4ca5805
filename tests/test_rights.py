"""Participants' data rights: export, erasure, organiser removal, retention, notices."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from babel.dates import format_date
from flask import Flask

from memberclient.client import Client, ClientError, Entry
from tests.conftest import csrf_token
from tests.helpers import (
    PASSPHRASE,
    Pair,
    deliver_mail,
    dump_database,
    everything_on_disk,
    login_browserless,
    open_db,
    outbox_texts,
)
from workspace.core import clock
from workspace.rights.purge import purge


@pytest.fixture(autouse=True)
def _reset_clock() -> object:
    yield
    clock.reset()


def _fill(mentor: Client, mentee: Client, pair_id: str) -> dict[str, Entry]:
    made = {
        "agreement": mentor.add_entry(pair_id, "agreement", {"goals": "CanaryAgreementText"}),
        "mentor_meeting": mentor.add_entry(pair_id, "meeting", {"notes": "CanaryMentorMeeting"}),
        "mentee_goal": mentee.add_entry(pair_id, "goal", {"title": "CanaryMenteeGoal <b>x</b>"}),
        "mentor_eval": mentor.add_entry(pair_id, "evaluation", {"learned": "CanaryMentorEval"}),
    }
    return made


def test_cli_export_writes_a_complete_readable_archive(
    pair: Pair, instance: Path, live_server: str, tmp_path: Path
) -> None:
    _fill(pair.mentor, pair.mentee, pair.id)
    pair.mentee.raise_flag(pair.id, "language", "CanaryFlagText")
    before = everything_on_disk(instance)
    out = tmp_path / "export.zip"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from workspace.cli import main; main()",
            "export",
            "--server",
            live_server,
            "--email",
            "mentee@example.org",
            "--out",
            str(out),
        ],
        input=PASSPHRASE + " mentee\n",
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PAIRBOOK_INSTANCE": str(instance)},
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        notebook = json.loads(archive.read("notebook.json"))
        server = json.loads(archive.read("server-data.json"))
        page = archive.read("notebook.html").decode()
    assert names == {"README.txt", "notebook.json", "notebook.html", "server-data.json"}
    (exported,) = notebook["pairs"]
    texts = json.dumps(exported["entries"])
    for word in (
        "CanaryAgreementText",
        "CanaryMentorMeeting",
        "CanaryMenteeGoal",
        "CanaryMentorEval",
    ):
        assert word in texts
    assert server["account"]["email"] == "mentee@example.org"
    assert server["consents"] == [] and server["sessions"]
    assert server["flags"][0]["opened_messages"][0]["text"] == "CanaryFlagText"
    assert "CanaryMenteeGoal &lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    # Readable: the forms' labels (from templates/notebook/_fields.html), not stored keys.
    assert "<dt>Goal</dt><dd>CanaryMenteeGoal &lt;b&gt;x&lt;/b&gt;</dd>" in page
    assert "<dt>What I learned</dt><dd>CanaryMentorEval</dd>" in page
    assert "<dt>What we want to reach</dt><dd>CanaryAgreementText</dd>" in page
    assert "<dt>title</dt>" not in page and "<dt>goals</dt>" not in page
    # Whose words: the partner's evaluation and the member's own goal say so.
    assert "<h3>Closing evaluation</h3><p>Last saved by your partner, 20" in page
    assert "<h3>Goal</h3><p>Last saved by you, 20" in page
    after = everything_on_disk(instance)
    for word in ("CanaryAgreementText", "CanaryMenteeGoal", "CanaryFlagText"):
        assert word not in before and word not in after


def _scan_for(instance: Path, *needles: str) -> list[str]:
    text = dump_database(instance)
    return [n for n in needles if n.lower() in text.lower()]


def test_delete_account_leaves_no_trace_and_partner_keeps_reading(
    app: Flask, pair: Pair, instance: Path
) -> None:
    made = _fill(pair.mentor, pair.mentee, pair.id)
    pair.mentee.add_entry(pair.id, "meeting", {"notes": "mentee's own meeting"})
    pair.mentor.confirm(pair.id, made["agreement"])
    pair.mentee.confirm(pair.id, made["agreement"])  # names the mentor as the author
    pair.mentor.raise_flag(pair.id, "other", "a private worry")
    pair.mentor.set_phase(pair.id, "working")  # the notebook records who moved the phase
    a = app.test_client()
    login_browserless(a, "mentor@example.org", PASSPHRASE + " mentor")
    token = csrf_token(a, f"/pairs/{pair.id}/sharing")
    a.post(
        f"/pairs/{pair.id}/sharing",
        data={"csrf_token": token, "signal": "phase", "decision": "1"},
    )
    mentor_id = pair.mentor.user_id or ""
    with pytest.raises(ClientError) as caught:
        pair.mentor.delete_account("not my passphrase at all")
    assert caught.value.status == 401
    assert _scan_for(instance, mentor_id, "mentor@example.org")
    pair.mentor.delete_account(PASSPHRASE + " mentor")
    assert _scan_for(instance, mentor_id, "mentor@example.org") == []
    assert not any("mentor@example.org" in text for text in outbox_texts(instance))
    # The partner still reads: own entries, and the shared agreement as the former member's.
    fresh = Client.for_app(app)
    fresh.login("mentee@example.org", PASSPHRASE + " mentee")
    entries = fresh.entries(pair.id)
    assert all(isinstance(e, Entry) for e in entries)
    by_type = {e.type: e for e in entries if isinstance(e, Entry)}
    assert by_type["agreement"].author_id == "former-member"
    assert by_type["agreement"].body["goals"] == "CanaryAgreementText"
    # The evaluation stays too (without the mentor's name): the record is the partner's as well.
    assert by_type["evaluation"].author_id == "former-member"
    assert {e.body.get("notes") for e in entries if isinstance(e, Entry)} >= {
        "mentee's own meeting"
    }
    # The pair stays in the partner's list (API and page), its partner marked as gone.
    listed = fresh.request("GET", "/api/v1/pairs")["pairs"]
    assert [p["pair_id"] for p in listed] == [pair.id]
    assert listed[0]["partner"]["left"] is True
    assert listed[0]["partner"]["user_id"] is None
    assert listed[0]["partner"]["role"] == "mentor"
    b = app.test_client()
    b.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(b, "mentee@example.org", PASSPHRASE + " mentee")
    listing = b.get("/pairs").get_data(as_text=True)
    assert f"/pairs/{pair.id}" in listing
    assert "Your partner has left Pairbook" in listing
    # The notebook says so too, instead of "has not confirmed" or "has not started theirs".
    overview = b.get(f"/pairs/{pair.id}/notebook").get_data(as_text=True)
    assert "Your partner has left Pairbook." in overview
    assert "has not started theirs" not in overview and "has not yet" not in overview
    evaluation = b.get(f"/pairs/{pair.id}/notebook/evaluation").get_data(as_text=True)
    assert "Your partner has left Pairbook." in evaluation
    assert "has not started their evaluation" not in evaluation
    # Signing in as the deleted member looks exactly like an unknown account.
    probe = Client.for_app(app)
    gone = probe.request("POST", "/api/v1/prelogin", {"email": "mentor@example.org"})
    never = probe.request("POST", "/api/v1/prelogin", {"email": "never@example.org"})
    assert gone.keys() == never.keys()
    with pytest.raises(ClientError) as caught:
        probe.login("mentor@example.org", PASSPHRASE + " mentor")
    assert caught.value.status == 401
    # The organiser sees only that a member left.
    org = app.test_client()
    org.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(org, "org@example.org", PASSPHRASE)
    page = org.get(f"/organiser/programmes/{pair.programme_id}").get_data(as_text=True)
    assert "member left" in page
    assert pair.organiser


def test_last_member_leaving_removes_the_notebook(pair: Pair, instance: Path) -> None:
    _fill(pair.mentor, pair.mentee, pair.id)
    pair.mentor.delete_account(PASSPHRASE + " mentor")
    pair.mentee.notebooks.clear()
    pair.mentee.delete_account(PASSPHRASE + " mentee")
    conn = open_db(instance)
    for table in ("notebooks", "entries", "notebook_keys", "key_shares", "confirmations", "pins"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table  # noqa: S608
    conn.close()


def test_ended_pair_is_read_only_then_purged_after_grace(
    app: Flask, pair: Pair, instance: Path
) -> None:
    entry = pair.mentor.add_entry(pair.id, "meeting", {"notes": "kept for export"})
    org = app.test_client()
    login_browserless(org, "org@example.org", PASSPHRASE)
    url = f"/organiser/pairs/{pair.id}/end"
    assert org.post(url, data={"csrf_token": csrf_token(org, url)}).status_code == 303
    deliver_mail(app)
    told = [text for text in outbox_texts(instance) if "/account/data" in text]
    assert len(told) == 2, "both members are told, with the export link"
    with pytest.raises(ClientError) as caught:
        pair.mentor.edit_entry(pair.id, entry, {"notes": "changed"})
    assert caught.value.status == 409
    assert [e.body["notes"] for e in pair.mentee.entries(pair.id) if isinstance(e, Entry)] == [
        "kept for export"
    ]
    audit = org.get(f"/organiser/programmes/{pair.programme_id}/audit").get_data(as_text=True)
    assert f"Pari {pair.setup.code} päätetty" in audit or f"Pair {pair.setup.code} ended" in audit
    # Members see until when they can still read and download it, wherever they look, and the
    # email says the same day.
    last_day = (clock.now() + timedelta(days=29)).date()
    until = last_day.isoformat()  # the API's machine-readable day
    assert all(format_date(last_day, "long", locale="fi") in text for text in told)
    (listed,) = pair.mentee.pairs()
    assert listed["read_only"] and listed["readable_until"] == until
    member = app.test_client()
    login_browserless(member, "mentee@example.org", PASSPHRASE + " mentee")
    member.post("/language", data={"lang": "en", "csrf_token": csrf_token(member)})
    for path in ("/pairs", f"/pairs/{pair.id}", f"/pairs/{pair.id}/notebook/meetings"):
        page = member.get(path).get_data(as_text=True)
        assert f"until {format_date(last_day, 'long', locale='en')}" in page, path
    pair_page = member.get(f"/pairs/{pair.id}").get_data(as_text=True)
    assert "after that it is deleted" in pair_page
    clock.travel(timedelta(days=29))
    assert purge(app).get("notebooks of ended pairs", 0) == 0
    clock.travel(timedelta(days=2))
    assert purge(app)["notebooks of ended pairs"] == 1


def test_a_removed_member_is_told_until_when_they_can_read(app: Flask, pair: Pair) -> None:
    org = app.test_client()
    login_browserless(org, "org@example.org", PASSPHRASE)
    url = f"/organiser/pairs/{pair.id}/mentee/remove"
    assert org.post(url, data={"csrf_token": csrf_token(org, url)}).status_code == 303
    last_day = (clock.now() + timedelta(days=29)).date()
    assert pair.mentee.pairs()[0]["readable_until"] == last_day.isoformat()
    member = app.test_client()
    login_browserless(member, "mentee@example.org", PASSPHRASE + " mentee")
    member.post("/language", data={"lang": "en", "csrf_token": csrf_token(member)})
    page = member.get(f"/pairs/{pair.id}/notebook").get_data(as_text=True)
    shown = format_date(last_day, "long", locale="en")
    assert "You have been removed from this pair" in page and f"until {shown}" in page


def test_purge_warns_twice_then_deletes_and_is_idempotent(
    app: Flask, pair: Pair, instance: Path
) -> None:
    _fill(pair.mentor, pair.mentee, pair.id)
    conn = open_db(instance)
    end = clock.now().date() + timedelta(days=10)
    conn.execute("UPDATE programmes SET end_date = ?, retention_days = 90", (end.isoformat(),))
    conn.commit()
    conn.close()
    due = end + timedelta(days=90)

    def mails() -> int:
        return sum("/account/data" in text for text in outbox_texts(instance))

    first = purge(app)
    assert first.get("retention warnings (1)", 0) == 0 and mails() == 0
    clock.travel((due - timedelta(days=30)) - clock.now().date())
    assert purge(app)["retention warnings (1)"] == 2
    assert purge(app).get("retention warnings (1)", 0) == 0, "twice in a row is a no-op"
    assert mails() == 2
    clock.travel(timedelta(days=23))
    assert purge(app)["retention warnings (2)"] == 2
    assert mails() == 4
    clock.travel(timedelta(days=6))
    assert purge(app).get("notebooks past retention", 0) == 0
    clock.travel(timedelta(days=1))
    result = purge(app)
    assert result["notebooks past retention"] == 1
    again = purge(app)
    assert again.get("notebooks past retention", 0) == 0
    conn = open_db(instance)
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM invitations").fetchone()[0] == 0
    conn.close()


def test_purge_cli_prints_counts_only(pair: Pair, instance: Path) -> None:
    from click.testing import CliRunner

    from workspace.cli import main

    env = {"PAIRBOOK_INSTANCE": str(instance)}
    first = CliRunner().invoke(main, ["purge", "--now", "2099-01-01T00:00:00Z"], env=env)
    assert first.exit_code == 0, first.output
    assert "invitations: " in first.stdout and "@" not in first.stdout
    second = CliRunner().invoke(main, ["purge", "--now", "2099-01-01T00:00:00Z"], env=env)
    assert second.stdout.strip() == "Nothing to purge."


def test_privacy_and_accessibility_pages(app: Flask, pair: Pair, instance: Path) -> None:
    org = app.test_client()
    org.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(org, "org@example.org", PASSPHRASE)
    url = f"/organiser/programmes/{pair.programme_id}/privacy"
    response = org.post(
        url,
        data={
            "csrf_token": csrf_token(org, url),
            "controller": "Mentoring Association ry",
            "privacy_contact": "privacy@mentoring.example",
            "retention_days": "60",
            "privacy_extra": "",
        },
    )
    assert response.status_code == 303
    member = app.test_client()
    member.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(member, "mentee@example.org", PASSPHRASE + " mentee")
    page = member.get("/privacy").get_data(as_text=True)
    for text in (
        "Mentoring Association ry",
        "privacy@mentoring.example",
        "60 days",
        "Data Protection Ombudsman",
        "Your rights",
    ):
        assert text in page
    anon = app.test_client()
    assert "Accessibility statement" in anon.get(
        "/accessibility", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    empty = anon.post(
        "/accessibility", data={"csrf_token": csrf_token(anon, "/accessibility"), "message": ""}
    )
    assert empty.status_code == 400
    sent = anon.post(
        "/accessibility",
        data={
            "csrf_token": csrf_token(anon, "/accessibility"),
            "message": "The date picker is hard to use",
        },
    )
    assert sent.status_code == 303
    deliver_mail(app)
    assert any("date picker" in text for text in outbox_texts(instance))


def test_the_next_step_never_waits_for_a_partner_who_left() -> None:
    from workspace.notebook.phase import next_step as _next_step

    agreed_alone = {"agreement": {"revision": 1}, "agreement_mine": True}
    stats = {**agreed_alone, "agreement_partner": False, "goals": 0}
    assert _next_step("start", stats) == "wait-partner-confirm"
    assert _next_step("start", stats, partner_left=True) == "partner-left"
    closing = {"my_evaluation": {"done": True}, "summary": {"revision": 1}}
    assert _next_step("closing", closing) == "wait-partner-evaluation"
    assert _next_step("closing", closing, partner_left=True) == "partner-left"
    assert _next_step("working", {"goals": 0}, partner_left=True) == "add-goals"
