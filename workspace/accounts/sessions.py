"""Server-side sessions, the signed-in user, and the guards views use."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, redirect, request, url_for

from workspace.accounts.queries import token_hash
from workspace.core import clock, logs
from workspace.core.db import Connection, get_db, transaction
from workspace.core.jsonapi import fail, is_api_request, not_found

SESSION_COOKIE = "pb_sid"
F = TypeVar("F", bound=Callable[..., Any])
_TOUCH_AFTER = timedelta(minutes=1)
# The key material's version too: /api/v1/me, the smallest signed-in request, then needs no
# statement of its own.
_SESSION_SQL = (
    "SELECT s.created_at, s.last_seen_at, u.*, k.identity_version AS key_identity_version{along} "
    "FROM sessions s JOIN users u ON u.id = s.user_id "
    "LEFT JOIN key_material k ON k.user_id = u.id{join} "
    "WHERE s.id_hash = ? AND s.ended_at IS NULL"
)
_PLAIN_SQL = _SESSION_SQL.format(along="", join="")
_MARK = "read_along_"
NOT_READ = object()
_along: dict[str, str] = {}  # the session's statement, by the URL argument read along


def read_along(view_arg: str, sql: str) -> None:
    """Have the session's own statement read `sql`'s row too, on every request whose URL names
    `view_arg` (`sql`: a SELECT with one `?`, the URL's value, and a `for_user_id` column; the
    row whose `for_user_id` is the signed-in user's is kept). An area's guard takes it with
    `row_read_along`. Why: each statement gives up the GIL at every step, and under waitress's
    threads that hand-off, not SQLite, was what a kept notebook listing's second statement cost.
    One statement is one snapshot too, so the guard reads what the session read."""
    _along[view_arg] = _SESSION_SQL.format(
        along=f", NULL AS {_MARK}, a.*", join=f" LEFT JOIN ({sql}) a ON a.for_user_id = u.id"
    )


def row_read_along(view_arg: str, value: str) -> Any:
    """The row read along with the session for `view_arg` = `value` (None when there is none),
    or NOT_READ when it was not read, was read for another user than the one signed in now, or
    was taken already (by anyone asking: a second guard in one request, after the request's own
    writes maybe, reads afresh). Ask before the request writes anything."""
    found = g.pop("read_along", None)
    user = current_user()
    if found is None or user is None or found[:3] != (view_arg, value, user["id"]):
        return NOT_READ
    return found[3]


def start_session(user_id: str) -> None:
    """Create a fresh session for the user; the cookie is set on the way out."""
    token = secrets.token_urlsafe(32)
    stamp = clock.iso()
    get_db().execute(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
        (token_hash(token), user_id, stamp, stamp),
    )
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        _end(old)
    g.set_session_token = token


def _end(token: str) -> None:
    get_db().execute(
        "UPDATE sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL",
        (clock.iso(), token_hash(token)),
    )


def end_current_session() -> None:
    """End this request's session on the server and clear the cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        _end(token)
    g.clear_session_cookie = True
    g.user = None
    g.pop("read_along", None)


def sign_out() -> None:
    """End this request's session (if any) and log it."""
    user = current_user()
    with transaction(get_db()):
        end_current_session()
    if user is not None:
        logs.event("logout", user=user["id"])


def end_other_sessions(user_id: str) -> None:
    """End every session of the user except the one making this request."""
    keep = g.get("set_session_token") or request.cookies.get(SESSION_COOKIE) or ""
    get_db().execute(
        "UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL AND id_hash != ?",
        (clock.iso(), user_id, token_hash(keep)),
    )


def end_all_sessions(user_id: str) -> None:
    """End every session of the user."""
    get_db().execute(
        "UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL",
        (clock.iso(), user_id),
    )


def delete_stale(conn: Connection, idle_before: str, started_before: str) -> int:
    """Sessions ended, idle since before `idle_before` or started before `started_before`;
    return how many (the purge keeps the table small)."""
    return conn.execute(
        "DELETE FROM sessions WHERE ended_at IS NOT NULL OR last_seen_at < ? OR created_at < ?",
        (idle_before, started_before),
    ).rowcount


def _load_user() -> None:
    g.user = None
    g.pop("read_along", None)  # an app context pushed around many requests keeps g
    token = request.cookies.get(SESSION_COOKIE)
    if not token or request.endpoint == "static":
        return
    conn = get_db()
    row, along = _read(conn, token)
    if row is None:
        g.clear_session_cookie = True
        return
    moment = clock.now()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    since_seen = moment - clock.parse(row["last_seen_at"])
    if since_seen > idle or moment - clock.parse(row["created_at"]) > absolute:
        with transaction(conn):
            _end(token)
        logs.event("session.expired", user=row["id"])
        g.clear_session_cookie = True
        return
    # Touch at most once a minute: every request writing would serialise all readers.
    if since_seen > _TOUCH_AFTER:
        with transaction(conn):
            conn.execute(
                "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?",
                (clock.iso(moment), token_hash(token)),
            )
    g.user = row
    if along is not None:
        g.read_along = along


def _read(conn: Connection, token: str) -> tuple[Any, tuple[str, str, str, Any] | None]:
    """The session's row (None when there is no such open session) and, when the URL names an
    argument read along (read_along), that argument, its value, the user's id and its row (or
    None)."""
    args = request.view_args or {}
    arg = next((a for a in _along if isinstance(args.get(a), str)), None)
    if arg is None:
        return conn.execute(_PLAIN_SQL, (token_hash(token),)).fetchone(), None
    row = conn.execute(_along[arg], (args[arg], token_hash(token))).fetchone()
    if row is None:
        return None, None
    keys = row.keys()
    cut = keys.index(_MARK)
    # Reversed, so that the first of a name the row repeats wins, as it does in the row itself
    # (the session's created_at before the user's).
    user = dict(zip(keys[cut - 1 :: -1], row[cut - 1 :: -1], strict=True))
    found = dict(zip(keys[:cut:-1], row[:cut:-1], strict=True))
    if found.pop("for_user_id") is None:
        found = None
    return user, (arg, args[arg], user["id"], found)


def _set_cookie(response: Response) -> Response:
    token = g.pop("set_session_token", None)
    secure = bool(current_app.config.get("SESSION_COOKIE_SECURE"))
    if token:
        response.set_cookie(
            SESSION_COOKIE, token, httponly=True, samesite="Lax", secure=secure, path="/"
        )
    elif g.pop("clear_session_cookie", False):
        response.delete_cookie(SESSION_COOKIE, path="/", samesite="Lax", secure=secure)
    return response


def current_user() -> Any | None:
    """The signed-in user's row (id, email, role, display_name…, and `key_identity_version`:
    their key material's identity version as the request began, None before they have any), or
    None."""
    return g.get("user")


def login_required(view: F) -> F:
    """Pages redirect to sign-in; API calls get 401."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            if is_api_request():
                fail(401)
            return redirect(url_for("accounts.login", next=request.path))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def organiser_required(view: F) -> F:
    """Only organisers; anyone else signed in gets 404, as if the page did not exist."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user()["role"] != "organiser":
            not_found()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    """Load the session before each request and manage its cookie after."""
    app.config.setdefault("SESSION_IDLE_MINUTES", 30)
    app.config.setdefault("SESSION_ABSOLUTE_HOURS", 12)
    app.before_request(_load_user)
    app.after_request(_set_cookie)

    @app.context_processor
    def _user() -> dict[str, Any]:
        return {"current_user": current_user()}
