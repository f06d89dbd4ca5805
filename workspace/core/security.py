"""Security headers, CSRF and the rules for caching."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

csrf = CSRFProtect()
# Set on every answer but static files, so written as one string rather than merged each time.
_VARY = "Cookie, Accept-Language"


class KeptSerializerSessions(SecureCookieSessionInterface):
    """Flask's signed cookie session (it carries the CSRF token), with its serializer made once
    per secret key rather than on every request."""

    def __init__(self) -> None:
        self._made: tuple[Any, Any] | None = None

    def get_signing_serializer(self, app: Flask) -> Any:
        """The serializer for the app's current keys (made again if they change)."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made = self._made
        if made is None or made[0] != keys:
            made = (keys, super().get_signing_serializer(app))
            self._made = made
        return made[1]


def init_app(app: Flask) -> None:
    """Enable CSRF on every state-changing request and add the headers to every response."""
    csrf.init_app(app)
    app.session_interface = KeptSerializerSessions()

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        if request.endpoint not in ("static", "assets.hashed"):
            # Pages may show private data once someone is signed in; never let a shared
            # phone's back button or a proxy keep a copy.
            headers["Cache-Control"] = "no-store"
            vary = headers.get("Vary")
            if not vary:
                headers["Vary"] = _VARY
            elif vary == "Accept-Encoding":
                headers["Vary"] = f"{vary}, {_VARY}"
            else:
                response.vary.update(("Cookie", "Accept-Language"))
        return response
