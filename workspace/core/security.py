"""Security headers, CSRF and the rules for caching."""

from __future__ import annotations

from flask import Flask, Response, request
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


def init_app(app: Flask) -> None:
    """Enable CSRF on every state-changing request and add the headers to every response."""
    csrf.init_app(app)

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
            response.vary.update(("Cookie", "Accept-Language"))
        return response
