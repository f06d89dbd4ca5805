"""Mail leaves through the outbox and a sender outside any request: requests answer at once
whatever the mail server does, a mail survives a long outage, is marked failed after 72 hours
(and the organiser sees it), and no link or token is ever logged."""

from __future__ import annotations

import logging
import os
import re
import socket
import stat
import statistics
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from tests.helpers import (
    ORGANISER,
    Pair,
    csrf_token,
    login_browserless,
    new_pair,
    open_db,
    outbox_texts,
    read_log,
)
from tests.support.smtp import SmtpReceiver, free_port
from workspace import create_app
from workspace.accounts.queries import create_organiser
from workspace.cli import main
from workspace.core import clock, mail
from workspace.rights.purge import purge

_LINK = re.compile(r"https?://\S+")


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    yield
    clock.reset()


def _smtp_app(instance: Path, port: int, **extra: object) -> Flask:
    """A second app on the same instance that sends over SMTP to 127.0.0.1:`port`."""
    return create_app(
        {
            "TESTING": True,
            "INSTANCE": instance,
            "MAIL_SMTP_HOST": "127.0.0.1",
            "MAIL_SMTP_PORT": port,
            "MAIL_SMTP_CONNECT_TIMEOUT": 2,
            "MAIL_SMTP_SEND_TIMEOUT": 2,
            **extra,
        }
    )


def _outbox(instance: Path) -> list[dict[str, object]]:
    conn = open_db(instance)
    try:
        return [dict(row) for row in conn.execute("SELECT * FROM outbox ORDER BY id")]
    finally:
        conn.close()


def test_reset_request_answers_at_once_and_alike_with_a_hanging_smtp_server(
    pair: Pair, instance: Path
) -> None:
    # A server that accepts connections and never says a word.
    hanging = socket.socket()
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(64)
    try:
        app = _smtp_app(
            instance,
            hanging.getsockname()[1],
            RATELIMIT_AUTH="999 per minute",
            RATELIMIT_ACCOUNT="999 per minute",
        )
        anon = app.test_client()
        token = csrf_token(anon)
        timings: dict[str, list[float]] = {"registered": [], "unknown": []}
        for n in range(12):
            for kind, email in (("registered", "mentee@example.org"), ("unknown", f"x{n}@ex.org")):
                started = time.perf_counter()
                answer = anon.post(
                    "/api/v1/reset/request", json={"email": email}, headers={"X-CSRFToken": token}
                )
                timings[kind].append(time.perf_counter() - started)
                assert answer.status_code == 200 and answer.get_json() == {"ok": True}
    finally:
        hanging.close()
    # Every request answered without waiting for the server (its timeout alone is 2 s).
    assert max(timings["registered"] + timings["unknown"]) < 1.5, timings
    registered = statistics.median(timings["registered"])
    unknown = statistics.median(timings["unknown"])
    assert abs(registered - unknown) < max(0.003, 0.5 * min(registered, unknown)), timings
    # The registered one was only queued: waiting for the sender.
    resets = [row for row in _outbox(instance) if "/reset/" in str(row["body"])]
    assert len(resets) == 12 and all(row["attempts"] == 0 for row in resets)


def test_a_mail_queued_during_a_5_hour_outage_is_delivered_when_the_server_is_back(
    instance: Path,
) -> None:
    port = free_port()  # nothing listens here yet: every attempt is refused
    app = _smtp_app(instance, port)
    create_organiser(app, "late@example.org")  # tries once at once, and fails
    for _ in range(10):  # five hours, in half hours
        clock.travel(timedelta(minutes=30))
        assert mail.deliver_pending(app) == 0
    (row,) = _outbox(instance)
    assert row["sent_at"] is None and row["failed_at"] is None
    assert 3 < int(row["attempts"]) <= 11, "retried with backoff, not on every pass"
    with SmtpReceiver(port) as receiver:
        clock.travel(timedelta(minutes=mail.MAX_BACKOFF_MINUTES))
        assert mail.deliver_pending(app) == 1
    assert len(receiver.raw) == 1
    assert b"late@example.org" in receiver.raw[0] and b"/join/" in receiver.raw[0]
    (row,) = _outbox(instance)
    assert row["sent_at"] is not None and row["failed_at"] is None


def test_send_mail_now_ignores_the_backoff(instance: Path) -> None:
    port = free_port()
    app = _smtp_app(instance, port)
    create_organiser(app, "soon@example.org")
    assert mail.deliver_pending(app) == 0, "not due again yet"
    env = {
        "PAIRBOOK_INSTANCE": str(instance),
        "PAIRBOOK_MAIL_SMTP_HOST": "127.0.0.1",
        "PAIRBOOK_MAIL_SMTP_PORT": str(port),
    }
    with SmtpReceiver(port) as receiver:
        assert "Sent 0 message(s)." in CliRunner().invoke(main, ["send-mail"], env=env).output
        result = CliRunner().invoke(main, ["send-mail", "--now"], env=env)
    assert result.exit_code == 0, result.output
    assert "Sent 1 message(s)." in result.output and len(receiver.raw) == 1


def test_after_72_hours_an_invitation_is_marked_failed_and_the_organiser_sees_it(
    app: Flask, pair: Pair, instance: Path
) -> None:
    invited = new_pair(
        app, pair.organiser, "m2@example.org", "e2@example.org", programme_id=pair.programme_id
    )
    smtp = _smtp_app(instance, free_port())
    mail.deliver_pending(smtp)
    for _ in range(23):  # 69 hours: still being retried
        clock.travel(timedelta(hours=3))
        mail.deliver_pending(smtp)
    waiting = [row for row in _outbox(instance) if row["to_addr"] == "m2@example.org"]
    assert waiting[0]["failed_at"] is None and waiting[0]["sent_at"] is None
    org = app.test_client()
    login_browserless(org, *ORGANISER)
    page_url = f"/organiser/programmes/{pair.programme_id}"
    assert 'id="undelivered-' not in org.get(page_url).get_data(as_text=True)
    clock.travel(timedelta(hours=3, minutes=1))
    assert mail.deliver_pending(smtp) == 0
    failed = [row for row in _outbox(instance) if row["failed_at"] is not None]
    # (The first pair's invitations were never delivered either: they were used all the same.)
    assert {"m2@example.org", "e2@example.org"} <= {row["to_addr"] for row in failed}
    assert mail.deliver_pending(smtp, now=True) == 0, "a failed mail is not tried again"
    login_browserless(org, *ORGANISER)  # the session was idle for days
    page = org.get(page_url).get_data(as_text=True)
    for role in ("mentor", "mentee"):
        assert f'id="undelivered-{invited.pair_id}-{role}"' in page
        assert f'id="resend-{invited.pair_id}-{role}"' in page
    assert f'id="undelivered-{pair.id}-' not in page, "the joined pair's cells stay as they were"
    assert page.count('id="undelivered-') == 2
    # Send again queues a new invitation: no longer shown as not delivered.
    resend = f"/organiser/pairs/{invited.pair_id}/mentor/resend"
    assert org.post(resend, data={"csrf_token": csrf_token(org, page_url)}).status_code == 303
    page = org.get(page_url).get_data(as_text=True)
    assert f'id="undelivered-{invited.pair_id}-mentor"' not in page
    assert f'id="undelivered-{invited.pair_id}-mentee"' in page


def test_the_sender_thread_delivers_what_a_request_queued(app: Flask, instance: Path) -> None:
    create_organiser(app, "org@example.org")
    sender = mail.Sender(app, every_seconds=3600).start()  # only a wake-up can make it send now
    try:
        anon = app.test_client()
        answer = anon.post(
            "/accessibility",
            data={"csrf_token": csrf_token(anon, "/accessibility"), "message": "Hard to read"},
        )
        assert answer.status_code == 303
        deadline = time.monotonic() + 20
        while not any("Hard to read" in text for text in outbox_texts(instance)):
            assert time.monotonic() < deadline, "the sender was not woken by the queued mail"
            threading.Event().wait(0.05)
    finally:
        sender.stop()
    assert all(row["sent_at"] for row in _outbox(instance))


def test_eml_files_are_private_whatever_the_umask(app: Flask, instance: Path) -> None:
    old = os.umask(0)
    try:
        create_organiser(app, "org@example.org")
    finally:
        os.umask(old)
    (path,) = (instance / "outbox").glob("*.eml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_link_or_token_of_any_mail_reaches_the_log(
    app: Flask, pair: Pair, instance: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every kind of mail the app sends, delivered (as files: the mode that used to log the
    links), then the log file and every log record are searched for each link and token."""
    caplog.set_level(logging.DEBUG)
    logging.getLogger("pairbook").addHandler(caplog.handler)
    try:
        org = app.test_client()
        login_browserless(org, *ORGANISER)
        page_url = f"/organiser/programmes/{pair.programme_id}"
        # Invitations: two members (through the organiser's form) and an organiser.
        org.post(
            page_url + "/pairs",
            data={
                "csrf_token": csrf_token(org, page_url),
                "mentor_email": "m3@example.org",
                "mentee_email": "e3@example.org",
            },
        )
        org.post(
            page_url + "/organisers",
            data={"csrf_token": csrf_token(org, page_url), "email": "org2@example.org"},
        )
        # A start-over link.
        anon = app.test_client()
        anon.post(
            "/api/v1/reset/request",
            json={"email": "mentee@example.org"},
            headers={"X-CSRFToken": csrf_token(anon)},
        )
        # A flag notification to the organisers, and accessibility feedback.
        pair.mentee.raise_flag(pair.id, "other", "Please call me")
        anon.post(
            "/accessibility",
            data={"csrf_token": csrf_token(anon, "/accessibility"), "message": "Too small"},
        )
        mail.deliver_pending(app)
        # The purge below deletes month-old mail and its files: keep what was written so far.
        texts = outbox_texts(instance)
        # Retention warnings.
        pair.mentor.add_entry(pair.id, "meeting", {"notes": "kept"})
        conn = open_db(instance)
        end = clock.now().date() + timedelta(days=10)
        conn.execute("UPDATE programmes SET end_date = ?, retention_days = 90", (end.isoformat(),))
        conn.commit()
        conn.close()
        clock.travel((end + timedelta(days=60)) - clock.now().date())
        purge(app)
        # The pair ended: both members are told.
        login_browserless(org, *ORGANISER)
        end_url = f"/organiser/pairs/{pair.id}/end"
        assert org.post(end_url, data={"csrf_token": csrf_token(org, end_url)}).status_code == 303
        mail.deliver_pending(app)
    finally:
        logging.getLogger("pairbook").removeHandler(caplog.handler)
    texts += outbox_texts(instance)
    subjects = "\n".join(texts)
    for expected in (
        "To: m3@example.org",
        "To: org2@example.org",
        "/reset/",
        "Too small",
        "/account/data",
        "/flags",
    ):
        assert expected in subjects, f"no mail with {expected!r}"
    assert all(row["sent_at"] for row in _outbox(instance))
    links = {link for text in texts for link in _LINK.findall(text)}
    secrets = {link.rstrip("/").rsplit("/", 1)[-1] for link in links if "/join/" in link}
    secrets |= {link.rstrip("/").rsplit("/", 1)[-1] for link in links if "/reset/" in link}
    assert len(secrets) >= 5 and links
    logged = read_log(instance)
    logged += "\n".join(record.getMessage() for record in caplog.records)
    assert "mail 1 delivered" in logged, "the log still says what happened"
    for secret in links | secrets:
        assert secret not in logged, f"{secret} was logged"


def test_the_log_file_cuts_any_link_that_would_reach_it(app: Flask, instance: Path) -> None:
    logging.getLogger("pairbook.mail").warning("oops %s", "http://h.example/join/AbCdEfGh12345")
    logging.getLogger("pairbook.event").info("path /reset/AbCdEfGh12345_x")
    logged = read_log(instance)
    assert "AbCdEfGh12345" not in logged and logged.count("<link removed>") == 2


def test_demo_and_send_mail_say_where_the_mail_is(instance: Path) -> None:
    env = {"PAIRBOOK_INSTANCE": str(instance)}
    result = CliRunner().invoke(main, ["demo"], env=env)
    assert result.exit_code == 0, result.output
    assert f"{instance / 'outbox'}/" in result.output and "never logged" in result.output
    written = "\n".join(outbox_texts(instance))
    paths = re.findall(r"/join/[A-Za-z0-9_-]+", result.output)
    assert paths and all(path in written for path in paths), "the demo's mail is already there"
    sent = CliRunner().invoke(main, ["send-mail"], env=env)
    assert "Sent 0 message(s)." in sent.output and f"{instance / 'outbox'}/" in sent.output


def test_a_hanging_server_costs_the_sender_its_timeouts_and_nothing_more(
    app: Flask, instance: Path
) -> None:
    import asyncio

    from aiosmtpd.controller import Controller

    create_organiser(app, "org@example.org")
    anon = app.test_client()
    anon.post(
        "/accessibility",
        data={"csrf_token": csrf_token(anon, "/accessibility"), "message": "Queued"},
    )
    silent = socket.socket()  # accepts, never greets: the connect timeout
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        smtp = _smtp_app(instance, silent.getsockname()[1], MAIL_SMTP_CONNECT_TIMEOUT=0.5)
        started = time.monotonic()
        assert mail.deliver_pending(smtp) == 0
        assert time.monotonic() - started < 5
    finally:
        silent.close()

    class Stuck:  # greets, then never answers the message: the send timeout
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
            await asyncio.sleep(30)
            return "250 OK"

    port = free_port()
    controller = Controller(Stuck(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = _smtp_app(instance, port, MAIL_SMTP_SEND_TIMEOUT=0.5)
        started = time.monotonic()
        assert mail.deliver_pending(smtp, now=True) == 0
        assert time.monotonic() - started < 5
    finally:
        controller.stop()
    (row,) = [row for row in _outbox(instance) if "Queued" in str(row["body"])]
    assert row["attempts"] == 2 and row["sent_at"] is None and row["last_error"]


def test_serve_starts_the_one_sender_and_says_where_mail_goes(
    instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import waitress

    from workspace import cli

    started: list[mail.Sender] = []
    real = cli._start_mail_sender

    def recording(app: Flask) -> mail.Sender:
        started.append(real(app))
        return started[-1]

    monkeypatch.setattr(cli, "_start_mail_sender", recording)
    monkeypatch.setattr(waitress, "serve", lambda *_, **__: None)
    result = CliRunner().invoke(main, ["serve"], env={"PAIRBOOK_INSTANCE": str(instance)})
    try:
        assert result.exit_code == 0, result.output
        assert len(started) == 1 and started[0]._thread.is_alive()
        assert f"{instance / 'outbox'}/" in result.output
    finally:
        for sender in started:
            sender.stop()
