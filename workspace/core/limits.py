"""Rate limits on sign-in, invitation and recovery routes: per client address and per account."""

from __future__ import annotations

import hashlib
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", headers_enabled=True)


def per_address() -> str:
    """The client address (behind a proxy, configure ProxyFix so this is the real client)."""
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


def init_app(app: Flask) -> None:
    """Attach the limiter."""
    app.config.setdefault("RATELIMIT_AUTH", "30 per 5 minutes")
    app.config.setdefault("RATELIMIT_ACCOUNT", "10 per 5 minutes")
    limiter.init_app(app)


def retry_after() -> int:
    """Seconds until the limit that was just hit resets (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()) + 1)
