"""Users, key material, invitations and recovery grants: plain SQL in small functions, the only
writers of those tables."""

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
from workspace.core.i18n import mail_locale

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


def language_of(conn: db.Connection, user_id: str) -> str | None:
    """The interface language the person chose (None: not chosen)."""
    row = conn.execute("SELECT language FROM users WHERE id = ?", (user_id,)).fetchone()
    return row["language"] if row else None


def set_language(conn: db.Connection, user_id: str, language: str | None) -> None:
    """Keep the person's chosen interface language on their account (None: not chosen)."""
    conn.execute("UPDATE users SET language = ? WHERE id = ?", (language, user_id))


def get_or_create_user(conn: db.Connection, email: str, role: str) -> Row:
    """Find a user by email or create an invited (not yet registered) one.

    Both cases run the same statements, so an organiser cannot tell from the time a request takes
    whether an email already has an account."""
    conn.execute(
        "INSERT INTO users (id, email, role, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (email) DO NOTHING",
        (new_id("u"), normalise_email(email), role, clock.iso()),
    )
    return user_by_email(conn, email)


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
        "recovery_saved": recovery_saved(material),
        "updated_at": material["updated_at"],
    }


def recovery_saved(material: Row | None) -> bool:
    """Whether the member has a recovery code and said they saved it."""
    return (
        material is not None
        and material["recovery_wrapped_key"] is not None
        and material["recovery_saved_at"] is not None
    )


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


def used_invitation(conn: db.Connection, token: str) -> bool:
    """Whether the token is an invitation that was already used to join (not one revoked
    first): its link can then say "you have joined, sign in" rather than "not valid"."""
    row = conn.execute(
        "SELECT used_at FROM invitations WHERE token_hash = ?", (token_hash(token),)
    ).fetchone()
    return row is not None and row["used_at"] is not None


def mark_invitation_used(conn: db.Connection, invitation_id: str) -> bool:
    """Use an invitation once; False if someone else used it first."""
    cur = conn.execute(
        "UPDATE invitations SET used_at = ? "
        "WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
        (clock.iso(), invitation_id),
    )
    return cur.rowcount == 1


def delete_pair_invitations(conn: db.Connection, pair_id: str, user_id: str) -> None:
    """Every invitation of the user to this pair, used or not (they are leaving it)."""
    conn.execute("DELETE FROM invitations WHERE pair_id = ? AND user_id = ?", (pair_id, user_id))


def _invited_programme(conn: db.Connection, token: str) -> Row | None:
    """The programme an invitation is for (None for a new organiser's own set-up link)."""
    return conn.execute(
        "SELECT p.name, p.controller, p.privacy_contact FROM invitations i "
        "JOIN programmes p ON p.id = i.programme_id WHERE i.token_hash = ?",
        (token_hash(token),),
    ).fetchone()


def send_invitation_email(
    conn: db.Connection, email: str, token: str, role: str, programme: str | None, language: str
) -> None:
    """Queue the invitation email, in the programme's language, naming the programme, the
    organisation that runs it and whom to contact; never any notebook content."""
    link = f"{base_url()}/join/{token}"
    invitee = conn.execute("SELECT language FROM users WHERE email = ?", (email,)).fetchone()
    locale = mail_locale(language, invitee["language"] if invitee else None)
    row = _invited_programme(conn, token)
    programme = row["name"] if row is not None else programme
    days = int(current_app.config.get("INVITE_DAYS", INVITE_DAYS))
    with force_locale(locale):
        if role == "organiser":
            subject = _("You are invited to organise on Pairbook")
            intro = (
                _(
                    "You have been invited to organise %(programme)s on Pairbook.",
                    programme=programme,
                )
                if programme
                else _("You have been invited to Pairbook as an organiser.")
            )
            open_link = _(
                "Open this link to set up your account (valid for %(days)s days):", days=days
            )
        else:
            subject = _("Invitation to %(programme)s on Pairbook", programme=programme)
            intro = (
                _("You have been invited as a mentor in %(programme)s.", programme=programme)
                if role == "mentor"
                else _("You have been invited as a mentee in %(programme)s.", programme=programme)
            )
            open_link = _(
                "Open this link to join your mentoring pair (valid for %(days)s days):", days=days
            )
        parts = [intro]
        if row is not None and row["controller"]:
            parts.append(
                _("The programme is run by %(organisation)s.", organisation=row["controller"])
            )
        if row is not None and row["privacy_contact"]:
            parts.append(_("Questions: %(contact)s", contact=row["privacy_contact"]))
        parts += [
            open_link,
            link,
            _(
                "If you are new to Pairbook, you choose your own passphrase there. "
                "Nobody else, not even the organiser, can see it."
            ),
            _("If you did not expect this message, you can ignore it."),
        ]
        body = "\n\n".join(parts)
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


def mark_joined(conn: db.Connection, user_id: str, display_name: str) -> None:
    """The invited user has made their account: the name their partner sees, and when."""
    conn.execute(
        "UPDATE users SET display_name = ?, joined_at = ? WHERE id = ?",
        (display_name, clock.iso(), user_id),
    )


def store_identity(conn: db.Connection, user_id: str, fields: dict[str, Any]) -> None:
    """Store a new account's key material (`fields`: kdf, auth_verifier, the three wrapped keys,
    bundle, recovery_wrapped_key, recovery_verifier; all checked by the caller)."""
    conn.execute(
        "INSERT INTO key_material (user_id, kdf, auth_verifier, wrapped_account_key, "
        "wrapped_x25519, wrapped_ed25519, bundle, recovery_wrapped_key, recovery_verifier, "
        "updated_at) VALUES (:user_id, :kdf, :auth_verifier, :wrapped_account_key, "
        ":wrapped_x25519, :wrapped_ed25519, :bundle, :recovery_wrapped_key, "
        ":recovery_verifier, :now)",
        {**fields, "user_id": user_id, "now": clock.iso()},
    )


def replace_identity(conn: db.Connection, user_id: str, fields: dict[str, Any]) -> None:
    """Replace a user's key material with a new identity (the fields of `store_identity`); the
    identity version goes up, so everything bound to the old one can be told apart."""
    conn.execute(
        "UPDATE key_material SET kdf=:kdf, auth_verifier=:auth_verifier, "
        "wrapped_account_key=:wrapped_account_key, wrapped_x25519=:wrapped_x25519, "
        "wrapped_ed25519=:wrapped_ed25519, bundle=:bundle, "
        "recovery_wrapped_key=:recovery_wrapped_key, recovery_verifier=:recovery_verifier, "
        "recovery_saved_at = NULL, "
        "identity_version = identity_version + 1, updated_at=:now WHERE user_id=:user_id",
        {**fields, "user_id": user_id, "now": clock.iso()},
    )


def set_passphrase(
    conn: db.Connection, user_id: str, kdf: str, verifier: bytes, wrapped_account_key: str
) -> None:
    """The same account key, wrapped under a new passphrase."""
    conn.execute(
        "UPDATE key_material SET kdf = ?, auth_verifier = ?, wrapped_account_key = ?, "
        "updated_at = ? WHERE user_id = ?",
        (kdf, verifier, wrapped_account_key, clock.iso(), user_id),
    )


def set_recovered_passphrase(
    conn: db.Connection,
    user_id: str,
    kdf: str,
    verifier: bytes,
    wrapped_account_key: str,
    recovery_wrapped_key: str | None,
    recovery_verifier: bytes | None,
) -> None:
    """A new passphrase after recovery; a new recovery code too, if one was made (None keeps the
    old one). A new code counts as saved only once the member says so."""
    conn.execute(
        "UPDATE key_material SET kdf = ?, auth_verifier = ?, wrapped_account_key = ?, "
        "recovery_wrapped_key = COALESCE(?, recovery_wrapped_key), "
        "recovery_verifier = COALESCE(?, recovery_verifier), "
        "recovery_saved_at = CASE WHEN ? IS NULL THEN recovery_saved_at END, "
        "updated_at = ? WHERE user_id = ?",
        (
            kdf,
            verifier,
            wrapped_account_key,
            recovery_wrapped_key,
            recovery_verifier,
            recovery_wrapped_key,
            clock.iso(),
            user_id,
        ),
    )


def set_recovery_code(
    conn: db.Connection, user_id: str, recovery_wrapped_key: str, recovery_verifier: bytes
) -> None:
    """A new recovery code the member made on the account page and said they saved: the old
    one stops working."""
    now = clock.iso()
    conn.execute(
        "UPDATE key_material SET recovery_wrapped_key = ?, recovery_verifier = ?, "
        "recovery_saved_at = ?, updated_at = ? WHERE user_id = ?",
        (recovery_wrapped_key, recovery_verifier, now, now, user_id),
    )


def mark_recovery_saved(conn: db.Connection, user_id: str) -> None:
    """The member said they saved the recovery code they were just shown."""
    conn.execute(
        "UPDATE key_material SET recovery_saved_at = ? "
        "WHERE user_id = ? AND recovery_wrapped_key IS NOT NULL",
        (clock.iso(), user_id),
    )


def create_grant(conn: db.Connection, user_id: str, kind: str, minutes: int) -> str:
    """A one-time recovery or reset grant valid for `minutes`; return its token (stored hashed)."""
    token = secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO recovery_grants (id_hash, user_id, kind, expires_at) VALUES (?, ?, ?, ?)",
        (token_hash(token), user_id, kind, clock.iso(clock.now() + timedelta(minutes=minutes))),
    )
    return token


def grant_owner(conn: db.Connection, token: str, kind: str) -> str | None:
    """Whose grant of this kind the token is, used or expired alike (None if there is none)."""
    row = conn.execute(
        "SELECT user_id FROM recovery_grants WHERE id_hash = ? AND kind = ?",
        (token_hash(token), kind),
    ).fetchone()
    return row["user_id"] if row else None


def open_grant(conn: db.Connection, token: str, kind: str) -> Row | None:
    """The grant for a token if it is of this kind, unused and unexpired."""
    row = conn.execute(
        "SELECT * FROM recovery_grants WHERE id_hash = ? AND kind = ? AND used_at IS NULL",
        (token_hash(token), kind),
    ).fetchone()
    if row is None or clock.parse(row["expires_at"]) <= clock.now():
        return None
    return row


def use_grant(conn: db.Connection, token: str, kind: str) -> str | None:
    """Use an open grant once and return its user's id; None if it is not open."""
    row = open_grant(conn, token, kind)
    if row is None:
        return None
    conn.execute(
        "UPDATE recovery_grants SET used_at = ? WHERE id_hash = ?", (clock.iso(), row["id_hash"])
    )
    return row["user_id"]


def delete_user(conn: db.Connection, user_id: str) -> None:
    """The user's row; what still refers to it goes with it (the schema cascades)."""
    conn.execute("DELETE FROM users WHERE id = ?", (user_id,))


def delete_spent_invitations(conn: db.Connection, now: str) -> int:
    """Invitations expired or revoked by `now`; return how many. A used one stays until it
    would have expired, so reopening its link says "you have joined" (it opens nothing)."""
    return conn.execute(
        "DELETE FROM invitations WHERE expires_at <= ? OR revoked_at IS NOT NULL",
        (now,),
    ).rowcount


def delete_spent_grants(conn: db.Connection, now: str) -> int:
    """Recovery and reset grants expired or used by `now`; return how many."""
    return conn.execute(
        "DELETE FROM recovery_grants WHERE expires_at <= ? OR used_at IS NOT NULL", (now,)
    ).rowcount


def delete_never_joined(conn: db.Connection) -> int:
    """Invited members who never joined and have no invitation or membership left; return how
    many."""
    return conn.execute(
        "DELETE FROM users WHERE joined_at IS NULL AND role = 'member' "
        "AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.user_id = users.id) "
        "AND NOT EXISTS (SELECT 1 FROM pair_members m WHERE m.user_id = users.id)"
    ).rowcount
