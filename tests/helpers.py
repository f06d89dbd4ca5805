"""Helpers for server tests: real clients acting as organisers and members."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, NamedTuple

from flask import Flask
from flask.testing import FlaskClient

import crypto
from memberclient.client import Client, Entry
from workspace.accounts import queries as accounts
from workspace.core import clock, config, db, logs, mail
from workspace.organiser import programmes

PASSPHRASE = "correct horse battery staple 42"
# Who `joined_pair` signs up: (email, passphrase).
ORGANISER = ("org@example.org", PASSPHRASE)
MENTOR = ("mentor@example.org", PASSPHRASE + " mentor")
MENTEE = ("mentee@example.org", PASSPHRASE + " mentee")
_JOIN = re.compile(r"/join/([A-Za-z0-9_-]+)")
_CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """Fetch a page and return the CSRF token its forms carry."""
    match = _CSRF_INPUT.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def open_db(instance: Path) -> db.Connection:
    """The instance database, opened with its key."""
    return db.connect(instance / config.DB_FILE, config.read_secret(instance, config.DB_KEY_FILE))


def dump_database(instance: Path) -> str:
    """Every value of every table as text, for canary scans."""
    conn = open_db(instance)
    parts = []
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table}"):  # noqa: S608 (names from schema)
                for value in tuple(row):
                    if isinstance(value, bytes):
                        parts.append(value.decode("latin-1"))
                    parts.append(str(value))
    finally:
        conn.close()
    return "\n".join(parts)


def sql(instance: Path, statement: str, *params: object) -> Any:
    """Run one statement on the instance database behind the app's back; return its rows."""
    conn = open_db(instance)
    try:
        rows = conn.execute(statement, params).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


def synthetic_pair(
    conn: db.Connection,
    programme_id: str,
    code: str,
    *,
    shared: tuple[str, ...] = (),
    phase_override: str | None = None,
) -> str:
    """A pair written straight into the database (for counts over many pairs): two members who
    both share the `shared` signals, and a notebook `n_<code>`, its phase moved by hand if given.
    Returns the pair's id; the caller commits."""
    now, pair = clock.iso(), f"p_{code}"
    conn.execute(
        "INSERT INTO pairs (id, programme_id, code, created_at) VALUES (?, ?, ?, ?)",
        (pair, programme_id, code, now),
    )
    for role in ("mentor", "mentee"):
        user = f"u_{code}_{role}"
        conn.execute(
            "INSERT INTO users (id, email, role, created_at) VALUES (?, ?, 'member', ?)",
            (user, f"{user}@example.org", now),
        )
        conn.execute(
            "INSERT INTO pair_members (pair_id, user_id, role) VALUES (?, ?, ?)",
            (pair, user, role),
        )
        for signal in shared:
            conn.execute(
                "INSERT INTO consents (pair_id, user_id, signal, decision, wording_sha, "
                "decided_at) VALUES (?, ?, ?, 1, 'x', ?)",
                (pair, user, signal, now),
            )
    conn.execute(
        "INSERT INTO notebooks (id, pair_id, key_version, created_at, phase_override) "
        "VALUES (?, ?, 1, ?, ?)",
        (f"n_{code}", pair, now, phase_override),
    )
    return pair


def read_log(instance: Path) -> str:
    """The instance log, with every line still queued in the log handler written first."""
    logs.flush()
    return (instance / "logs" / "pairbook.log").read_text("utf-8")


def everything_on_disk(instance: Path) -> str:
    """Logs, outbox files and the decrypted database, joined."""
    logs.flush()
    texts = [dump_database(instance)]
    for path in [*instance.glob("logs/*"), *instance.glob("outbox/*")]:
        texts.append(path.read_text("utf-8", "replace"))
    return "\n".join(texts)


def deliver_mail(app: Flask) -> int:
    """Deliver the queued mail as the sender would (requests only queue it); return how many."""
    return mail.deliver_pending(app)


def outbox_texts(instance: Path) -> list[str]:
    """The decoded recipient, subject and body of every .eml file, oldest first."""
    texts = []
    for path in sorted(instance.glob("outbox/*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        content = body.get_content() if body is not None else ""
        texts.append(f"To: {message['To']}\nSubject: {message['Subject']}\n\n{content}")
    return texts


def outbox_links(instance: Path) -> list[str]:
    """Every /join/<token> path in the outbox, oldest first."""
    return [f"/join/{t}" for text in outbox_texts(instance) for t in _JOIN.findall(text)]


PRIVACY = {
    "controller": "Helsinki Mentoring ry",
    "privacy_contact": "tietosuoja@mentoring.example.org",
    "retention_days": "90",
}


def fill_privacy(client: FlaskClient, programme_url: str) -> None:
    """Fill in a programme's privacy notice through the organiser's form (invitations wait
    for it)."""
    url = programme_url.rstrip("/") + "/privacy"
    response = client.post(url, data={**PRIVACY, "csrf_token": csrf_token(client, url)})
    assert response.status_code == 303, response.get_data(as_text=True)


def new_organiser(app: Flask, email: str = "org@example.org") -> Client:
    """An organiser registered through the real client."""
    client = Client.for_app(app)
    client.register(accounts.create_organiser(app, email), PASSPHRASE, "Olga Organiser")
    return client


@dataclass
class PairSetup:
    """A programme with one pair and its invitation paths."""

    programme_id: str
    pair_id: str
    code: str
    mentor_link: str
    mentee_link: str


def new_pair(
    app: Flask,
    organiser: Client,
    mentor: str = "mentor@example.org",
    mentee: str = "mentee@example.org",
    programme_id: str | None = None,
) -> PairSetup:
    """Form a pair (as the organiser's UI does) and return its invitation links."""
    conn = db.open_for_app(app)
    today = clock.now().date()
    try:
        with app.test_request_context(), db.transaction(conn):
            if programme_id is None:
                programme_id = programmes.create_programme(
                    conn,
                    organiser.user_id or "",
                    "Spring programme",
                    "fi",
                    (
                        today - timedelta(days=30),
                        today + timedelta(days=60),
                        today + timedelta(days=150),
                    ),
                )
                programmes.set_privacy(
                    conn,
                    programme_id,
                    controller=PRIVACY["controller"],
                    contact=PRIVACY["privacy_contact"],
                    retention_days=90,
                    extra=None,
                )
            row = conn.execute("SELECT * FROM programmes WHERE id = ?", (programme_id,)).fetchone()
            pair, tokens = programmes.form_pair(conn, row, mentor, mentee)
    finally:
        conn.close()
    return PairSetup(
        programme_id,
        pair["id"],
        pair["code"],
        f"/join/{tokens['mentor']}",
        f"/join/{tokens['mentee']}",
    )


class Pair(NamedTuple):
    """A pair whose two members have registered and exchanged the key, with its organiser:
    each signed in through the real client (see ORGANISER, MENTOR, MENTEE)."""

    setup: PairSetup
    organiser: Client
    mentor: Client
    mentee: Client

    @property
    def id(self) -> str:
        return self.setup.pair_id

    @property
    def programme_id(self) -> str:
        return self.setup.programme_id


def joined_pair(app: Flask) -> Pair:
    """An organiser and a pair whose two members have registered and exchanged the key."""
    organiser = new_organiser(app)
    setup = new_pair(app, organiser)
    mentor, mentee = Client.for_app(app), Client.for_app(app)
    mentor.register(setup.mentor_link, MENTOR[1], "Maija")
    mentee.register(setup.mentee_link, MENTEE[1], "Ali")
    for member in (mentor, mentee, mentor, mentee):
        member.sync_pair(setup.pair_id)
    return Pair(setup, organiser, mentor, mentee)


def login_browserless(client: FlaskClient, email: str, passphrase: str) -> Any:
    """Sign a Flask test client in the way the browser does (derive, send the auth key)."""
    token = csrf_token(client)
    kdf = client.post(
        "/api/v1/prelogin", json={"email": email}, headers={"X-CSRFToken": token}
    ).get_json()["kdf"]
    keys = crypto.derive_passphrase_keys(passphrase, crypto.KdfParams.from_json(kdf))
    return client.post(
        "/api/v1/login",
        json={"email": email, "auth_key": crypto.b64u_encode(keys.auth_key)},
        headers={"X-CSRFToken": token},
    )


def meeting_notes(client: Client, pair_id: str) -> list[str]:
    """The notes of every meeting `client` can open in the pair's notebook, sorted."""
    return sorted(
        e.body["notes"]
        for e in client.entries(pair_id)
        if isinstance(e, Entry) and e.type == "meeting"
    )
