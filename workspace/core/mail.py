"""Email through an outbox table: written in the same transaction as the change it reports,
then delivered (as .eml files by default, or over SMTP) by a sender that retries."""

from __future__ import annotations

import logging
import re
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import Flask, current_app

from workspace.core import clock, db

log = logging.getLogger("pairbook.mail")
MAX_ATTEMPTS = 8
_LINK = re.compile(r"https?://\S+")


def enqueue(conn: db.Connection, to_addr: str, subject: str, body: str) -> None:
    """Queue a message; it is sent once the surrounding transaction has committed."""
    now = clock.iso()
    conn.execute(
        "INSERT INTO outbox (to_addr, subject, body, created_at, next_attempt_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (to_addr, subject, body, now, now),
    )


def _message(app: Flask, row: db.sqlcipher3.Row) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = app.config["MAIL_FROM"]
    msg["To"] = row["to_addr"]
    msg["Subject"] = row["subject"]
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="pairbook.invalid")
    msg.set_content(row["body"])
    return msg


def _send_file(app: Flask, row: db.sqlcipher3.Row, msg: EmailMessage) -> None:
    folder = Path(app.instance_path) / "outbox"
    folder.mkdir(exist_ok=True)
    path = folder / f"{row['id']:06d}.eml"
    path.write_bytes(msg.as_bytes())
    # Development delivery: without a mail server the link must reach the person somehow.
    for link in _LINK.findall(row["body"]):
        log.info("mail written to %s; link: %s", path.name, link)


def _send_smtp(app: Flask, msg: EmailMessage) -> None:
    cfg = app.config
    with smtplib.SMTP(cfg["MAIL_SMTP_HOST"], int(cfg["MAIL_SMTP_PORT"]), timeout=20) as smtp:
        if cfg.get("MAIL_SMTP_STARTTLS"):
            smtp.starttls()
        if cfg.get("MAIL_SMTP_USER"):
            smtp.login(cfg["MAIL_SMTP_USER"], cfg["MAIL_SMTP_PASSWORD"])
        smtp.send_message(msg)


def deliver_pending(app: Flask, conn: db.Connection | None = None) -> int:
    """Try every due message once; return how many were sent."""
    own = conn is None
    conn = conn or db.open_for_app(app)
    sent = 0
    try:
        due = conn.execute(
            "SELECT * FROM outbox WHERE sent_at IS NULL AND attempts < ? AND next_attempt_at <= ? "
            "ORDER BY id",
            (MAX_ATTEMPTS, clock.iso()),
        ).fetchall()
        for row in due:
            try:
                msg = _message(app, row)
                if app.config.get("MAIL_SMTP_HOST"):
                    _send_smtp(app, msg)
                else:
                    _send_file(app, row, msg)
            except (OSError, smtplib.SMTPException) as error:
                attempts = row["attempts"] + 1
                retry = clock.now() + timedelta(minutes=min(2**attempts, 60))
                with db.transaction(conn):
                    conn.execute(
                        "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? "
                        "WHERE id = ?",
                        (attempts, clock.iso(retry), type(error).__name__, row["id"]),
                    )
                log.warning("mail %d not sent (%s); retry later", row["id"], type(error).__name__)
                continue
            with db.transaction(conn):
                conn.execute(
                    "UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?",
                    (clock.iso(), row["id"]),
                )
            sent += 1
    finally:
        if own:
            conn.close()
    return sent


def flush() -> int:
    """Inside a request, after its transaction: try the due mail now, on this request's
    connection (what cannot be sent waits for the next try)."""
    return deliver_pending(current_app._get_current_object(), db.get_db())


def init_app(app: Flask) -> None:
    """Mail settings with defaults that need no mail server."""
    app.config.setdefault("MAIL_FROM", "Pairbook <no-reply@pairbook.invalid>")
    app.config.setdefault("MAIL_SMTP_HOST", "")
    app.config.setdefault("MAIL_SMTP_PORT", 25)
    app.config.setdefault("MAIL_SMTP_STARTTLS", False)
    app.config.setdefault("MAIL_SMTP_USER", "")
    app.config.setdefault("MAIL_SMTP_PASSWORD", "")


def discard_for(conn: db.Connection, to_addr: str) -> None:
    """Every message to this address, sent or not (its owner's account is being erased)."""
    conn.execute("DELETE FROM outbox WHERE to_addr = ?", (to_addr,))


def delete_old(conn: db.Connection, before: str) -> int:
    """Messages sent by `before`, or given up on and queued by then; return how many."""
    return conn.execute(
        "DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at <= ?) "
        "OR (sent_at IS NULL AND attempts >= ? AND created_at <= ?)",
        (before, MAX_ATTEMPTS, before),
    ).rowcount
