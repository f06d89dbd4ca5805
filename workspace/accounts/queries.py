"""Users and invitations: plain SQL in small functions."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _

from workspace.core import clock, db, mail

INVITE_DAYS = 14
DEV_URL = "http://127.0.0.1:5000"
Row = Any


def new_id(prefix: str) -> str:
    """A random opaque id such as `u_3k9…` (fits the protocol's id alphabet)."""
    return f"{prefix}_{secrets.token_urlsafe(12)}"


def token_hash(token: str) -> bytes:
    """Session, invitation and reset tokens are stored only as this hash."""
    # Every token the server issues is ASCII (token_urlsafe): UTF-8 gives the bytes an ASCII
    # encoding would, and a non-ASCII token from outside matches no stored hash either way.
    return hashlib.sha256(token.encode("utf-8", "replace")).digest()


def normalise_email(email: str) -> str:
    """Trim and lower-case an email address."""
    return email.strip().lower()


def user_by_email(conn: db.Connection, email: str) -> Row | None:
    """The user with this email, if any."""
    return conn.execute("SELECT * FROM users WHERE email = ?", (normalise_email(email),)).fetchone()


def user_by_id(conn: db.Connection, user_id: str) -> Row | None:
    """The user with this id, if any."""
    return conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()


def get_or_create_user(conn: db.Connection, email: str, role: str) -> Row:
    """Find a user by email or create an invited (not yet registered) one."""
    existing = user_by_email(conn, email)
    if existing is not None:
        return existing
    user_id = new_id("u")
    conn.execute(
        "INSERT INTO users (id, email, role, created_at) VALUES (?, ?, ?, ?)",
        (user_id, normalise_email(email), role, clock.iso()),
    )
    return user_by_id(conn, user_id)


def key_material(conn: db.Connection, user_id: str) -> Row | None:
    """The user's stored key material (verifiers included: never send this row out whole)."""
    return conn.execute("SELECT * FROM key_material WHERE user_id = ?", (user_id,)).fetchone()


def key_material_json(material: Row) -> dict[str, Any]:
    """What a member may see of their stored key material: everything but the verifiers."""
    return {
        "kdf": json.loads(material["kdf"]),
        "wrapped_account_key": material["wrapped_account_key"],
        "wrapped_x25519": material["wrapped_x25519"],
        "wrapped_ed25519": material["wrapped_ed25519"],
        "bundle": json.loads(material["bundle"]),
        "identity_version": material["identity_version"],
        "has_recovery": material["recovery_wrapped_key"] is not None,
        "updated_at": material["updated_at"],
    }


def base_url() -> str:
    """Where links in emails point."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEV_URL


def create_invitation(
    conn: db.Connection,
    user_id: str,
    role: str,
    programme_id: str | None,
    pair_id: str | None = None,
) -> str:
    """Create a single-use invitation and return its token (shown once, stored hashed)."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    days = int(current_app.config.get("INVITE_DAYS", INVITE_DAYS))
    conn.execute(
        "INSERT INTO invitations (id, token_hash, user_id, programme_id, pair_id, role, "
        "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new_id("i"),
            token_hash(token),
            user_id,
            programme_id,
            pair_id,
            role,
            clock.iso(now),
            clock.iso(now + timedelta(days=days)),
        ),
    )
    return token


def open_invitation(conn: db.Connection, token: str) -> Row | None:
    """The invitation for a token if it is unused, unrevoked and unexpired."""
    row = conn.execute(
        "SELECT i.*, u.email, u.joined_at, p.name AS programme_name, p.language "
        "FROM invitations i JOIN users u ON u.id = i.user_id "
        "LEFT JOIN programmes p ON p.id = i.programme_id WHERE i.token_hash = ?",
        (token_hash(token),),
    ).fetchone()
    if row is None or row["used_at"] or row["revoked_at"]:
        return None
    if clock.parse(row["expires_at"]) <= clock.now():
        return None
    return row


def mark_invitation_used(conn: db.Connection, invitation_id: str) -> bool:
    """Use an invitation once; False if someone else used it first."""
    cur = conn.execute(
        "UPDATE invitations SET used_at = ? "
        "WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
        (clock.iso(), invitation_id),
    )
    return cur.rowcount == 1


def apply_invitation(conn: db.Connection, invitation: Row) -> None:
    """Give the invited user what the invitation promised (organiser seat)."""
    if invitation["role"] == "organiser" and invitation["programme_id"]:
        conn.execute(
            "INSERT OR IGNORE INTO programme_organisers (programme_id, user_id, added_at) "
            "VALUES (?, ?, ?)",
            (invitation["programme_id"], invitation["user_id"], clock.iso()),
        )


def send_invitation_email(
    conn: db.Connection, email: str, token: str, role: str, programme: str | None, language: str
) -> None:
    """Queue the invitation email, in the programme's language; never any notebook content."""
    link = f"{base_url()}/join/{token}"
    locale = "en" if language == "en" else "fi"
    with force_locale(locale):
        if role == "organiser":
            subject = _("You are invited to organise on Pairbook")
            intro = _("You have been invited to Pairbook as an organiser.")
        else:
            subject = _("Your mentoring pair is ready on Pairbook")
            intro = (
                _("You have been invited as a mentor in %(programme)s.", programme=programme)
                if role == "mentor"
                else _("You have been invited as a mentee in %(programme)s.", programme=programme)
            )
        body = "\n\n".join(
            [
                intro,
                _("Open this link to set up your account (valid for %(days)s days):", days=14),
                link,
                _(
                    "You choose your own passphrase. "
                    "Nobody else, not even the organiser, can see it."
                ),
                _("If you did not expect this message, you can ignore it."),
            ]
        )
    mail.enqueue(conn, email, subject, body)


def create_organiser(app: Flask, email: str) -> str:
    """Create (or re-invite) an organiser account; return the set-up path `/join/<token>`."""
    with app.app_context():
        conn = db.open_for_app(app)
        try:
            with db.transaction(conn):
                user = get_or_create_user(conn, email, "organiser")
                if user["role"] != "organiser":
                    raise ValueError("that email belongs to a pair member")
                token = create_invitation(conn, user["id"], "organiser", None)
                with app.test_request_context(base_url=app.config.get("BASE_URL") or DEV_URL):
                    send_invitation_email(conn, user["email"], token, "organiser", None, "fi")
            mail.deliver_pending(app, conn)
        finally:
            conn.close()
    return f"/join/{token}"


def revoke_open_invitations(conn: db.Connection, user_id: str, pair_id: str) -> None:
    """Make every unused link inviting this member to this pair stop working."""
    conn.execute(
        "UPDATE invitations SET revoked_at = ? WHERE user_id = ? AND pair_id = ? "
        "AND used_at IS NULL AND revoked_at IS NULL",
        (clock.iso(), user_id, pair_id),
    )
