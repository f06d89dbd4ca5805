"""JSON API for accounts: pre-login, login, registration, recovery, passphrase change."""

from __future__ import annotations

import json
import secrets
from typing import Any, NoReturn

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

import crypto
from workspace.accounts import queries as accounts
from workspace.accounts import sessions as auth
from workspace.communication import notifications
from workspace.core import logs, mail
from workspace.core.db import Connection, get_db, transaction
from workspace.core.i18n import LANG_COOKIE, mail_locale, normalise
from workspace.core.jsonapi import b64u, body, fail, obj, text
from workspace.core.limits import (
    account_limit,
    auth_limit,
    invitation_failures_per_address,
    limiter,
    per_account,
    per_address,
    prelogin_requests,
    signin_failures_per_account,
    signin_failures_per_address,
)
from workspace.organiser import programmes
from workspace.pairs import queries as pairs

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1")
GRANT_MINUTES = 15
RESET_MINUTES = 60


def _kdf(data: dict[str, Any]) -> str:
    try:
        params = crypto.KdfParams.from_json(obj(data, "kdf"))
    except crypto.CryptoError:
        fail(400, _("The key derivation settings are too weak or not valid."))
    return json.dumps(params.to_json(), separators=(",", ":"), sort_keys=True)


def _key32(data: dict[str, Any], key: str) -> bytes:
    try:
        value = crypto.b64u_decode(b64u(data, key, max_len=64))
    except crypto.CryptoError:
        value = b""
    if len(value) != 32:
        fail(400, _("The field %(field)s is missing or not valid.", field=key))
    return value


def _bundle(data: dict[str, Any], user_id: str) -> str:
    raw = obj(data, "bundle")
    try:
        bundle = crypto.verify_bundle(raw, user_id)
    except crypto.CryptoError:
        fail(400, _("The public key bundle could not be verified."))
    return json.dumps(bundle.to_json(), separators=(",", ":"), sort_keys=True)


def _recovery(data: dict[str, Any], wrapped: str | None) -> tuple[str | None, bytes | None]:
    """The optional recovery wrap and the verifier of its auth key: both or neither."""
    if wrapped is None and data.get("recovery_auth") is None:
        return None, None
    if wrapped is None:
        fail(400, _("The field %(field)s is missing or not valid.", field="recovery_wrapped_key"))
    pepper = current_app.config["PEPPER"]
    return wrapped, crypto.auth_verifier(pepper, _key32(data, "recovery_auth"))


def _identity_fields(data: dict[str, Any], user_id: str) -> dict[str, Any]:
    """Everything a new identity stores, validated before anything is written."""
    pepper = current_app.config["PEPPER"]
    material = obj(data, "key_material")
    recovery_wrapped = (
        b64u(material, "recovery_wrapped_key")
        if material.get("recovery_wrapped_key") is not None
        else None
    )
    recovery_wrapped, recovery_verifier = _recovery(data, recovery_wrapped)
    return {
        "kdf": _kdf(data),
        "auth_verifier": crypto.auth_verifier(pepper, _key32(data, "auth_key")),
        "wrapped_account_key": b64u(material, "wrapped_account_key"),
        "wrapped_x25519": b64u(material, "wrapped_x25519"),
        "wrapped_ed25519": b64u(material, "wrapped_ed25519"),
        "bundle": _bundle(data, user_id),
        "recovery_wrapped_key": recovery_wrapped,
        "recovery_verifier": recovery_verifier,
    }


def _pair_name(data: dict[str, Any], invitation: Any) -> str | None:
    """The name the member chose for this pair (required for a pair invitation, else None)."""
    if invitation["pair_id"] is None:
        return None
    display_name = text(data, "display_name", max_len=80).strip()
    if not display_name:
        fail(400, _("Please write the name your partner will see."))
    return display_name


def _apply_invitation(conn: Connection, invitation: Any, display_name: str | None) -> None:
    """Give the invited user what the invitation promised beyond the account: an organiser's
    seat on the programme, or their place in the pair under the name chosen for it."""
    if invitation["role"] == "organiser" and invitation["programme_id"]:
        programmes.add_organiser(conn, invitation["programme_id"], invitation["user_id"])
    pair_id = invitation["pair_id"]
    if (
        pair_id is not None
        and display_name is not None
        and not pairs.accept_membership(
            conn, pair_id, invitation["user_id"], invitation["role"], display_name
        )
    ):
        fail(
            404, _("This invitation link is not valid any more. Ask your organiser for a new one.")
        )
    notifications.member_joined(conn, invitation)


def _not_open(token: str) -> NoReturn:
    """The answer for an invitation that cannot be used: "you have joined" if it was used,
    else "not valid any more"."""
    if accounts.used_invitation(get_db(), token):
        fail(
            409,
            _("You have already joined with this invitation. Sign in to continue."),
            joined=True,
        )
    fail(404, _("This invitation link is not valid any more. Ask your organiser for a new one."))


def _use_grant(token: str, kind: str) -> str:
    """Use a grant once and return its user's id; 404 unless it is open."""
    user_id = accounts.use_grant(get_db(), token, kind)
    if user_id is None:
        fail(404, _("This link or code has expired. Start again."))
    return user_id


def _signed_in(user: Any, status: int = 200, pair_id: str | None = None) -> tuple[Response, int]:
    payload = {"user_id": user["id"], "role": user["role"]}
    if pair_id is not None:
        payload["pair_id"] = pair_id
    return jsonify(payload), status


@bp.get("/csrf")
def csrf() -> Response:
    """A CSRF token for non-browser clients (bound to the pb_session cookie)."""
    from flask_wtf.csrf import generate_csrf

    return jsonify({"csrf_token": generate_csrf()})


@bp.post("/prelogin")
@prelogin_requests
@signin_failures_per_address
@signin_failures_per_account
def prelogin() -> Response:
    """KDF parameters for an email; a stable fake for unknown ones."""
    email = accounts.normalise_email(text(body(), "email", max_len=254))
    conn = get_db()
    user = accounts.user_by_email(conn, email)
    material = accounts.key_material(conn, user["id"]) if user else None
    if material is not None:
        return jsonify({"kdf": json.loads(material["kdf"])})
    salt = crypto.fake_salt(current_app.config["PEPPER"], email)
    fake = crypto.KdfParams(alg="pbkdf2-sha256", iter=600_000, salt=salt)
    return jsonify({"kdf": fake.to_json()})


@bp.post("/login")
@signin_failures_per_address
@signin_failures_per_account
def login() -> tuple[Response, int]:
    """Check the auth key; start a new session (a new id every time)."""
    data = body()
    email = accounts.normalise_email(text(data, "email", max_len=254))
    auth_key = _key32(data, "auth_key")
    conn = get_db()
    user = accounts.user_by_email(conn, email)
    material = accounts.key_material(conn, user["id"]) if user else None
    stored = material["auth_verifier"] if material else secrets.token_bytes(32)
    ok = crypto.check_auth(current_app.config["PEPPER"], auth_key, stored)
    if not (ok and material is not None):
        logs.event("login.failure", reason="credentials")
        fail(401, _("The email or passphrase is not right."))
    with transaction(conn):
        auth.start_session(user["id"])
    logs.event("login.success", user=user["id"])
    payload = {"user_id": user["id"], "role": user["role"], "display_name": user["display_name"]}
    return jsonify(payload), 200


@bp.post("/logout")
def logout() -> Response:
    """End the session on the server."""
    auth.sign_out()
    return jsonify({"ok": True})


@bp.post("/invitations/inspect")
@invitation_failures_per_address
def inspect_invitation() -> Response:
    """What an invitation is for, so the join page can explain it."""
    token = text(body(), "token", max_len=128)
    invitation = accounts.open_invitation(get_db(), token)
    if invitation is None:
        _not_open(token)
    registered = accounts.key_material(get_db(), invitation["user_id"]) is not None
    return jsonify(
        {
            "email": invitation["email"],
            "user_id": invitation["user_id"],
            "role": invitation["role"],
            "programme": invitation["programme_name"],
            "pair": invitation["pair_id"] is not None,
            "registered": registered,
        }
    )


@bp.post("/register")
@invitation_failures_per_address
def register() -> tuple[Response, int]:
    """Redeem an invitation and store the new account's key material."""
    data = body()
    conn = get_db()
    token = text(data, "token", max_len=128)
    invitation = accounts.open_invitation(conn, token)
    if invitation is None:
        _not_open(token)
    user_id = invitation["user_id"]
    if accounts.key_material(conn, user_id) is not None:
        fail(409, _("You already have an account. Sign in to accept this invitation."))
    display_name = text(data, "display_name", max_len=80).strip()
    if not display_name:
        fail(400, _("Please write the name your partner will see."))
    fields = _identity_fields(data, user_id)
    pair_name = display_name if invitation["pair_id"] is not None else None
    with transaction(conn):
        if not accounts.mark_invitation_used(conn, invitation["id"]):
            fail(
                404,
                _("This invitation link is not valid any more. Ask your organiser for a new one."),
            )
        _apply_invitation(conn, invitation, pair_name)
        accounts.store_identity(conn, user_id, fields)
        accounts.mark_joined(conn, user_id, display_name)
        chosen = normalise(request.cookies.get(LANG_COOKIE))
        if chosen:  # chosen on the join page: the account keeps it for mail and other devices
            accounts.set_language(conn, user_id, chosen)
        auth.start_session(user_id)
    logs.event("register", user=user_id, role=invitation["role"])
    return _signed_in(accounts.user_by_id(conn, user_id), 201, invitation["pair_id"])


@bp.post("/invitations/accept")
@auth.login_required
def accept_invitation() -> Response:
    """A signed-in user accepts another invitation addressed to them; a pair invitation needs the
    name the member chooses for that pair (`display_name`), so no programme sees the name they
    use in another one."""
    conn = get_db()
    data = body()
    invitation = accounts.open_invitation(conn, text(data, "token", max_len=128))
    user = auth.current_user()
    if invitation is None or invitation["user_id"] != user["id"]:
        fail(
            404, _("This invitation link is not valid any more. Ask your organiser for a new one.")
        )
    display_name = _pair_name(data, invitation)
    with transaction(conn):
        if not accounts.mark_invitation_used(conn, invitation["id"]):
            fail(
                404,
                _("This invitation link is not valid any more. Ask your organiser for a new one."),
            )
        _apply_invitation(conn, invitation, display_name)
    return jsonify({"ok": True, "pair_id": invitation["pair_id"]})


@bp.get("/me")
@auth.login_required
def me() -> Response:
    """Who is signed in."""
    user = auth.current_user()
    return jsonify(
        {
            "user_id": user["id"],
            "email": user["email"],
            "display_name": user["display_name"],
            "role": user["role"],
            "identity_version": user["key_identity_version"],
        }
    )


@bp.get("/me/keys")
@auth.login_required
def my_keys() -> Response:
    """My wrapped key material (never the verifiers)."""
    material = accounts.key_material(get_db(), auth.current_user()["id"])
    return jsonify(accounts.key_material_json(material))


def _prove_passphrase(conn: Any, data: dict[str, Any], user: Any, event: str, wrong: str) -> None:
    """Go on only if the passphrase's auth key in `data` is the caller's; else a 401 with
    `wrong`, and `<event>.failure` logged."""
    material = accounts.key_material(conn, user["id"])
    pepper = current_app.config["PEPPER"]
    if not crypto.check_auth(pepper, _key32(data, "auth_key"), material["auth_verifier"]):
        logs.event(f"{event}.failure", user=user["id"])
        fail(401, wrong)


@bp.post("/me/passphrase")
@auth.login_required
@limiter.limit(auth_limit, key_func=per_address)
def change_passphrase() -> Response:
    """Re-wrap the account key under a new passphrase; end every other session."""
    data = body()
    user = auth.current_user()
    conn = get_db()
    _prove_passphrase(
        conn, data, user, "passphrase.change", _("The current passphrase is not right.")
    )
    kdf = _kdf(data)
    verifier = crypto.auth_verifier(current_app.config["PEPPER"], _key32(data, "new_auth_key"))
    wrapped = b64u(data, "wrapped_account_key")
    with transaction(conn):
        accounts.set_passphrase(conn, user["id"], kdf, verifier, wrapped)
        auth.start_session(user["id"])
        auth.end_other_sessions(user["id"])
    logs.event("passphrase.change", user=user["id"])
    return jsonify({"ok": True})


@bp.post("/me/recovery-code")
@auth.login_required
@limiter.limit(auth_limit, key_func=per_address)
def new_recovery_code() -> Response:
    """Replace my recovery code with one made on my device (the passphrase proves it is me);
    sent once I said I saved it, so it counts as saved. The old code stops working."""
    data = body()
    user = auth.current_user()
    conn = get_db()
    _prove_passphrase(conn, data, user, "recovery_code.change", _("The passphrase is not right."))
    wrapped, verifier = _recovery(data, b64u(data, "recovery_wrapped_key"))
    with transaction(conn):
        accounts.set_recovery_code(conn, user["id"], wrapped or "", verifier or b"")
    logs.event("recovery_code.change", user=user["id"])
    return jsonify({"ok": True})


@bp.post("/me/recovery-code/saved")
@auth.login_required
def recovery_code_saved() -> Response:
    """I saved the recovery code I was just shown (after joining or recovering)."""
    conn = get_db()
    with transaction(conn):
        accounts.mark_recovery_saved(conn, auth.current_user()["id"])
    return jsonify({"ok": True})


@bp.post("/recovery")
@limiter.limit(auth_limit, key_func=per_address)
@limiter.limit(account_limit, key_func=per_account)
def recovery() -> Response:
    """Prove the recovery code; get the account key wrapped under it and a one-time grant."""
    data = body()
    email = accounts.normalise_email(text(data, "email", max_len=254))
    recovery_auth = _key32(data, "recovery_auth")
    conn = get_db()
    user = accounts.user_by_email(conn, email)
    material = accounts.key_material(conn, user["id"]) if user else None
    stored = (material["recovery_verifier"] if material else None) or secrets.token_bytes(32)
    pepper = current_app.config["PEPPER"]
    if not (crypto.check_auth(pepper, recovery_auth, stored) and material is not None):
        logs.event("recovery.failure")
        fail(401, _("The email or recovery code is not right."))
    with transaction(conn):
        grant = accounts.create_grant(conn, user["id"], "recovery-code", GRANT_MINUTES)
    logs.event("recovery.start", user=user["id"])
    return jsonify(
        {
            "grant": grant,
            "user_id": user["id"],
            "recovery_wrapped_key": material["recovery_wrapped_key"],
            "wrapped_x25519": material["wrapped_x25519"],
            "wrapped_ed25519": material["wrapped_ed25519"],
            "bundle": json.loads(material["bundle"]),
        }
    )


@bp.post("/recovery/complete")
@limiter.limit(auth_limit, key_func=per_address)
def recovery_complete() -> tuple[Response, int]:
    """Set a new passphrase over the same account key; end all sessions; sign in."""
    data = body()
    conn = get_db()
    pepper = current_app.config["PEPPER"]
    kdf = _kdf(data)
    verifier = crypto.auth_verifier(pepper, _key32(data, "auth_key"))
    wrapped = b64u(data, "wrapped_account_key")
    new_recovery = (
        b64u(data, "recovery_wrapped_key") if data.get("recovery_wrapped_key") is not None else None
    )
    recovery_wrapped, recovery_verifier = _recovery(data, new_recovery)
    with transaction(conn):
        user_id = _use_grant(text(data, "grant", max_len=128), "recovery-code")
        accounts.set_recovered_passphrase(
            conn, user_id, kdf, verifier, wrapped, recovery_wrapped, recovery_verifier
        )
        auth.end_all_sessions(user_id)
        auth.start_session(user_id)
    logs.event("recovery.complete", user=user_id)
    return _signed_in(accounts.user_by_id(conn, user_id))


@bp.post("/reset/request")
@limiter.limit(auth_limit, key_func=per_address)
@limiter.limit(account_limit, key_func=per_account)
def reset_request() -> Response:
    """Email a start-over link to a registered account; the answer never says whether it exists,
    nor does the time it takes: either way the request writes and commits the same (the mail is
    only queued; the sender delivers it outside the request)."""
    email = accounts.normalise_email(text(body(), "email", max_len=254))
    conn = get_db()
    user = accounts.user_by_email(conn, email)
    registered = user is not None and accounts.key_material(conn, user["id"]) is not None
    with transaction(conn):
        if registered:
            token = accounts.create_grant(conn, user["id"], "email-reset", RESET_MINUTES)
        else:
            # The grant's row, written and taken back by the same kind of statement.
            token = secrets.token_urlsafe(32)
            mail.enqueue_nothing(conn, "x" * 160)
        link = f"{accounts.base_url()}/reset/{token}"
        # In the person's own language, else the language of the page they asked from.
        own = user["language"] if user is not None else None
        with force_locale(mail_locale(str(get_locale()), own)):
            subject = _("Start over on Pairbook")
            message = "\n\n".join(
                [
                    _("Someone asked to start over with a new passphrase for this email."),
                    _(
                        "You will get a new key. Your partner must compare safety numbers with "
                        "you again before you can read your notebook."
                    ),
                    link,
                    _("The link is valid for one hour. If it was not you, ignore this email."),
                ]
            )
        if registered:
            mail.enqueue(conn, user["email"], subject, message)
        else:
            mail.enqueue_nothing(conn, message)
    if registered:
        logs.event("reset.requested", user=user["id"])
    return jsonify({"ok": True})


@bp.post("/reset/inspect")
@limiter.limit(auth_limit, key_func=per_address)
def reset_inspect() -> Response:
    """Whose start-over link this is (the new identity bundle must name that account)."""
    row = accounts.open_grant(get_db(), text(body(), "token", max_len=128), "email-reset")
    if row is None:
        fail(404, _("This link or code has expired. Start again."))
    return jsonify({"user_id": row["user_id"]})


@bp.post("/reset/complete")
@limiter.limit(auth_limit, key_func=per_address)
def reset_complete() -> tuple[Response, int]:
    """A new identity for a member who lost passphrase and recovery code."""
    data = body()
    conn = get_db()
    grant = text(data, "token", max_len=128)
    owner = accounts.grant_owner(conn, grant, "email-reset")
    if owner is None:
        fail(404, _("This link or code has expired. Start again."))
    fields = _identity_fields(data, owner)
    with transaction(conn):
        user_id = _use_grant(grant, "email-reset")
        accounts.replace_identity(conn, user_id, fields)
        pairs.forget_identity(conn, user_id)
        auth.end_all_sessions(user_id)
        auth.start_session(user_id)
    logs.event("reset.complete", user=user_id)
    return _signed_in(accounts.user_by_id(conn, user_id))
