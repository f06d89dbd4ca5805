"""Email through an outbox table: written in the same transaction as the change it reports,
then delivered (as .eml files by default, or over SMTP) by a sender outside any request: the
`pairbook serve` background thread (`Sender`) or `pairbook send-mail`."""

from __future__ import annotations

import json
import logging
import os
import smtplib
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import Flask, g, has_app_context

from workspace.core import clock, db

log = logging.getLogger("pairbook.mail")
# A message is retried at least this long, then marked failed (and shown as not delivered).
RETRY_HOURS = 72
MAX_BACKOFF_MINUTES = 60
# How long a sender holds a message it is sending before another sender may try it.
CLAIM_MINUTES = 10
_wakers: weakref.WeakSet[threading.Event] = weakref.WeakSet()
# The headers a caller may add to a message; everything else is set by the sender.
EXTRA_HEADERS = ("Reply-To", "List-Unsubscribe")
# Work the sender runs before each delivery pass (areas register theirs: due scheduled mail).
Job = Callable[[Flask, db.Connection], None]


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: `mime` is "maintype/subtype", `params` extra Content-Type
    parameters (such as an invitation's `method`)."""

    filename: str
    mime: str
    data: bytes
    params: dict[str, str] = field(default_factory=dict)


def enqueue(
    conn: db.Connection,
    to_addr: str,
    subject: str,
    body: str,
    *,
    headers: dict[str, str] | None = None,
    attachments: Iterable[Attachment] = (),
) -> int:
    """Queue a message (with optional Reply-To / List-Unsubscribe headers and attachments, kept
    with it until it is sent); return its number. The sender is woken once the surrounding
    request has ended (after its transaction committed), and its periodic pass picks up the
    rest."""
    extra = {k: v for k, v in (headers or {}).items() if v}
    if any(k not in EXTRA_HEADERS for k in extra) or any(
        "\n" in v or "\r" in v for v in extra.values()
    ):
        raise ValueError("unknown mail header or a line break in one")
    now = clock.iso()
    mail_id = conn.execute(
        "INSERT INTO outbox (to_addr, subject, body, created_at, next_attempt_at, headers) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (to_addr, subject, body, now, now, json.dumps(extra) if extra else None),
    ).lastrowid
    for item in attachments:
        conn.execute(
            "INSERT INTO outbox_attachments (outbox_id, filename, mime, params, data) "
            "VALUES (?, ?, ?, ?, ?)",
            (mail_id, item.filename, item.mime, json.dumps(item.params), item.data),
        )
    if has_app_context():
        g.mail_queued = True
    return int(mail_id or 0)


def attachments_of(conn: db.Connection, mail_id: int) -> list[Attachment]:
    """The files queued with a message."""
    return [
        Attachment(r["filename"], r["mime"], bytes(r["data"]), json.loads(r["params"]))
        for r in conn.execute(
            "SELECT * FROM outbox_attachments WHERE outbox_id = ? ORDER BY id", (mail_id,)
        )
    ]


def add_job(app: Flask, job: Job) -> None:
    """Run `job(app, conn)` before each delivery pass of the sender and `pairbook send-mail`
    (never in a request): how an area queues mail that falls due by the clock."""
    app.extensions.setdefault("pairbook_mail_jobs", []).append(job)


def run_jobs(app: Flask, conn: db.Connection | None = None) -> None:
    """Run every registered job once; a failing job is logged and the others still run."""
    own = conn is None
    conn = conn or db.open_for_app(app)
    try:
        for job in app.extensions.get("pairbook_mail_jobs", []):
            try:
                job(app, conn)
            except Exception:  # noqa: BLE001 (one job's fault must not stop the mail)
                log.exception("mail job %s failed", getattr(job, "__name__", "?"))
    finally:
        if own:
            conn.close()


def enqueue_nothing(conn: db.Connection, like_body: str = "") -> None:
    """In the caller's transaction, write a message the size of `like_body` and take it back:
    the disk work of `enqueue` (a commit with it costs the same), queueing nothing."""
    now = clock.iso()
    row_id = conn.execute(
        "INSERT INTO outbox (to_addr, subject, body, created_at, next_attempt_at) "
        "VALUES ('', '', ?, ?, ?)",
        ("-" * len(like_body), now, now),
    ).lastrowid
    conn.execute("DELETE FROM outbox WHERE id = ?", (row_id,))


def notify() -> None:
    """Wake every running sender in this process (mail was queued and committed)."""
    for event in list(_wakers):
        event.set()


def _message(app: Flask, row: db.sqlcipher3.Row, files: list[Attachment]) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = app.config["MAIL_FROM"]
    msg["To"] = row["to_addr"]
    msg["Subject"] = row["subject"]
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="pairbook.invalid")
    for name, value in json.loads(row["headers"] or "{}").items():
        if name in EXTRA_HEADERS:
            msg[name] = value
    msg.set_content(row["body"])
    for item in files:
        maintype, subtype = item.mime.split("/", 1)
        msg.add_attachment(
            item.data,
            maintype=maintype,
            subtype=subtype,
            filename=item.filename,
            params=item.params,
        )
    return msg


def outbox_folder(app: Flask) -> Path:
    """Where messages are written as .eml files when no SMTP server is configured."""
    return Path(app.instance_path) / "outbox"


def _send_file(app: Flask, row: db.sqlcipher3.Row, msg: EmailMessage) -> Path:
    folder = outbox_folder(app)
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / f"{row['id']:06d}.eml"
    # The file holds a sign-in link: private to the owner whatever the umask says.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, msg.as_bytes())
    finally:
        os.close(fd)
    return path


def _send_smtp(app: Flask, msg: EmailMessage) -> None:
    cfg = app.config
    host, port = cfg["MAIL_SMTP_HOST"], int(cfg["MAIL_SMTP_PORT"])
    with smtplib.SMTP(host, port, timeout=float(cfg["MAIL_SMTP_CONNECT_TIMEOUT"])) as smtp:
        if smtp.sock is not None:
            smtp.sock.settimeout(float(cfg["MAIL_SMTP_SEND_TIMEOUT"]))
        if cfg.get("MAIL_SMTP_STARTTLS"):
            smtp.starttls()
        if cfg.get("MAIL_SMTP_USER"):
            smtp.login(cfg["MAIL_SMTP_USER"], cfg["MAIL_SMTP_PASSWORD"])
        smtp.send_message(msg)


def _claim(conn: db.Connection, row: db.sqlcipher3.Row) -> bool:
    """Take the message for this pass, so that two senders never send it twice."""
    lease = clock.iso(clock.now() + timedelta(minutes=CLAIM_MINUTES))
    with db.transaction(conn):
        return (
            conn.execute(
                "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND next_attempt_at = ? "
                "AND sent_at IS NULL AND failed_at IS NULL",
                (lease, row["id"], row["next_attempt_at"]),
            ).rowcount
            == 1
        )


def _record_failure(conn: db.Connection, row: db.sqlcipher3.Row, error: Exception) -> None:
    attempts = row["attempts"] + 1
    now = clock.now()
    if now - clock.parse(row["created_at"]) >= timedelta(hours=RETRY_HOURS):
        with db.transaction(conn):
            conn.execute(
                "UPDATE outbox SET attempts = ?, failed_at = ?, last_error = ? WHERE id = ?",
                (attempts, clock.iso(now), type(error).__name__, row["id"]),
            )
        log.warning("mail %d not delivered after %d attempts; given up", row["id"], attempts)
        return
    retry = now + timedelta(minutes=min(2**attempts, MAX_BACKOFF_MINUTES))
    with db.transaction(conn):
        conn.execute(
            "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
            (attempts, clock.iso(retry), type(error).__name__, row["id"]),
        )
    log.warning("mail %d not sent (%s); retry later", row["id"], type(error).__name__)


def deliver_pending(app: Flask, conn: db.Connection | None = None, *, now: bool = False) -> int:
    """Try every due message once (with `now`, every waiting one, ignoring the backoff); return
    how many were sent. Never call this inside a request: SMTP can take its full timeout."""
    own = conn is None
    conn = conn or db.open_for_app(app)
    sent = 0
    try:
        waiting = "sent_at IS NULL AND failed_at IS NULL"
        due = (
            conn.execute(f"SELECT * FROM outbox WHERE {waiting} ORDER BY id").fetchall()  # noqa: S608
            if now
            else conn.execute(
                f"SELECT * FROM outbox WHERE {waiting} AND next_attempt_at <= ? ORDER BY id",  # noqa: S608
                (clock.iso(),),
            ).fetchall()
        )
        for row in due:
            if not _claim(conn, row):
                continue
            try:
                msg = _message(app, row, attachments_of(conn, row["id"]))
                if app.config.get("MAIL_SMTP_HOST"):
                    _send_smtp(app, msg)
                    where = "over SMTP"
                else:
                    where = f"to outbox/{_send_file(app, row, msg).name}"
            except (OSError, smtplib.SMTPException) as error:
                _record_failure(conn, row, error)
                continue
            with db.transaction(conn):
                conn.execute(
                    "UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?",
                    (clock.iso(), row["id"]),
                )
            # Only the message's number and where it went: never its address, body or links.
            log.info("mail %d delivered %s", row["id"], where)
            sent += 1
    finally:
        if own:
            conn.close()
    return sent


class Sender:
    """The one background sender of a server process: delivers when woken by queued mail and
    on a periodic tick (for retries that fall due)."""

    def __init__(self, app: Flask, every_seconds: float = 60.0) -> None:
        self.app = app
        self.every_seconds = every_seconds
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pairbook-mail", daemon=True)

    def start(self) -> Sender:
        """Start delivering in a daemon thread; return self."""
        _wakers.add(self._wake)
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the thread to end after its current pass and wait for it."""
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout)
        _wakers.discard(self._wake)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                with self.app.app_context():
                    run_jobs(self.app)
                    deliver_pending(self.app)
            except Exception:  # noqa: BLE001 (keep delivering; the next pass retries)
                log.exception("mail delivery pass failed")
            self._wake.wait(self.every_seconds)


def init_app(app: Flask) -> None:
    """Mail settings with defaults that need no mail server."""
    app.config.setdefault("MAIL_FROM", "Pairbook <no-reply@pairbook.invalid>")
    app.config.setdefault("MAIL_SMTP_HOST", "")
    app.config.setdefault("MAIL_SMTP_PORT", 25)
    app.config.setdefault("MAIL_SMTP_STARTTLS", False)
    app.config.setdefault("MAIL_SMTP_USER", "")
    app.config.setdefault("MAIL_SMTP_PASSWORD", "")
    app.config.setdefault("MAIL_SMTP_CONNECT_TIMEOUT", 10)
    app.config.setdefault("MAIL_SMTP_SEND_TIMEOUT", 30)

    @app.teardown_appcontext
    def _wake_sender(_error: BaseException | None) -> None:
        if g.pop("mail_queued", False):
            notify()


def last_failed(conn: db.Connection, to_addr: str) -> bool:
    """Whether the latest message to this address was given up on (not delivered)."""
    row = conn.execute(
        "SELECT failed_at FROM outbox WHERE to_addr = ? COLLATE NOCASE ORDER BY id DESC LIMIT 1",
        (to_addr,),
    ).fetchone()
    return row is not None and row["failed_at"] is not None


def discard_for(conn: db.Connection, to_addr: str) -> None:
    """Every message to this address, sent or not (its owner's account is being erased)."""
    conn.execute("DELETE FROM outbox WHERE to_addr = ?", (to_addr,))


def delete_old(conn: db.Connection, before: str) -> int:
    """Messages sent by `before`, or given up on and queued by then; return how many."""
    return conn.execute(
        "DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at <= ?) "
        "OR (failed_at IS NOT NULL AND created_at <= ?)",
        (before, before),
    ).rowcount
