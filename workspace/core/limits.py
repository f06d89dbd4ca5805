"""Rate limits on sign-in, invitation and recovery routes: per client address and per account.

Sign-in counts only *failed* attempts (a wrong passphrase or unknown account), per account and per
client address, so that a room of people signing in from one network is never locked out by its
own successes. The counts live in ``RATELIMIT_STORAGE_URI`` (``memory://``, or ``redis://…`` when
several processes serve one instance).
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import NoReturn

from flask import Flask, Response, current_app, request
from flask_babel import gettext as _
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address

from workspace.core.jsonapi import fail

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)
SIGNIN_SCOPE = "signin-failures"


def per_address() -> str:
    """The client address (behind a proxy, set PROXY_HOPS so this is the real client)."""
    return "addr:" + get_remote_address()


def per_account() -> str:
    """The email in the JSON body, hashed so the limiter's memory holds no addresses."""
    data = request.get_json(silent=True)
    email = data.get("email") if isinstance(data, dict) else None
    normal = email.strip().lower() if isinstance(email, str) else ""
    return "acct:" + hashlib.sha256(normal.encode()).hexdigest()[:32]


def auth_limit() -> str:
    """Attempts per client address (configurable as RATELIMIT_AUTH)."""
    return current_app.config["RATELIMIT_AUTH"]


def account_limit() -> str:
    """Attempts per account (configurable as RATELIMIT_ACCOUNT)."""
    return current_app.config["RATELIMIT_ACCOUNT"]


def signin_address_limit() -> str:
    """Failed sign-ins per client address (RATELIMIT_SIGNIN_ADDRESS)."""
    return current_app.config["RATELIMIT_SIGNIN_ADDRESS"]


def signin_account_limit() -> str:
    """Failed sign-ins per account (RATELIMIT_SIGNIN_ACCOUNT)."""
    return current_app.config["RATELIMIT_SIGNIN_ACCOUNT"]


def prelogin_limit() -> str:
    """Pre-login requests per client address, failed or not (RATELIMIT_PRELOGIN)."""
    return current_app.config["RATELIMIT_PRELOGIN"]


def failed_signin(response: Response) -> bool:
    """Whether an answer counts against the sign-in limits: only a refused passphrase does."""
    return response.status_code == 401


def failed_request(response: Response) -> bool:
    """Whether an answer counts against a limit on failures: a refused request does (a token
    that matches nothing, a bad body), a success and the limit's own answer do not."""
    return 400 <= response.status_code < 500 and response.status_code != 429


def _seconds(limit: RequestLimit) -> int:
    return max(1, math.ceil(limit.reset_at - time.time()))


def refuse_signin(limit: RequestLimit) -> NoReturn:
    """Answer a breached sign-in limit with when to try again (JSON, with the seconds)."""
    seconds = _seconds(limit)
    fail(
        429,
        _(
            "Too many failed sign-in attempts. Try again in %(seconds)d seconds.",
            seconds=seconds,
        ),
        retry_after=seconds,
    )


def refuse_requests(limit: RequestLimit) -> NoReturn:
    """Answer a breached request limit with when to try again (JSON, with the seconds)."""
    seconds = _seconds(limit)
    fail(
        429,
        _("Too many requests. Try again in %(seconds)d seconds.", seconds=seconds),
        retry_after=seconds,
    )


# Shared by prelogin and login: prelogin only checks the failure counts (it never answers 401),
# so a locked account is told before the browser spends seconds deriving its key.
signin_failures_per_address = limiter.shared_limit(
    signin_address_limit,
    scope=SIGNIN_SCOPE + "-address",
    key_func=per_address,
    deduct_when=failed_signin,
    on_breach=refuse_signin,
)
signin_failures_per_account = limiter.shared_limit(
    signin_account_limit,
    scope=SIGNIN_SCOPE + "-account",
    key_func=per_account,
    deduct_when=failed_signin,
    on_breach=refuse_signin,
)
# Joining counts only refused attempts (a guessed or spent invitation token), so a kick-off event
# where forty people join from one Wi-Fi is never locked out by its own successes.
invitation_failures_per_address = limiter.shared_limit(
    auth_limit,
    scope="invitation-failures",
    key_func=per_address,
    deduct_when=failed_request,
    on_breach=refuse_requests,
)
prelogin_requests = limiter.limit(prelogin_limit, key_func=per_address, on_breach=refuse_requests)


def init_app(app: Flask) -> None:
    """Attach the limiter."""
    app.config.setdefault("RATELIMIT_AUTH", "30 per 5 minutes")
    app.config.setdefault("RATELIMIT_ACCOUNT", "10 per 5 minutes")
    app.config.setdefault("RATELIMIT_SIGNIN_ADDRESS", "30 per 5 minutes")
    app.config.setdefault("RATELIMIT_SIGNIN_ACCOUNT", "10 per 5 minutes")
    app.config.setdefault("RATELIMIT_PRELOGIN", "120 per minute")
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    hooks = app.before_request_funcs.setdefault(None, [])
    hooks[hooks.index(limiter._check_request_limit)] = _check_when_needed


def _middleware_idle() -> bool:
    """Whether Flask-Limiter's check before every request has nothing to check. It looks only for
    application, default, meta and blueprint limits, and limits found on a callable that is not
    the view (hints); this app sets none of them. The routes' own limits are checked by their
    decorators, whatever this says. Asked on every request, so a limit configured later counts."""
    manager = limiter.limit_manager
    return not (
        manager._application_limits
        or manager._default_limits
        or manager._blueprint_limits
        or manager._endpoint_hints
        or limiter._meta_limits
        or limiter._storage_dead
    )


def _check_when_needed() -> None:
    """Flask-Limiter's check before the request, skipped when it has nothing to check (it costs
    about a third of the smallest signed-in request: issue 19)."""
    if not _middleware_idle():
        limiter._check_request_limit()


def retry_after() -> int:
    """Seconds until the limit that was just hit resets (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()) + 1)
