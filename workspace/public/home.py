"""Public pages: the home page and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, redirect, render_template, request

from workspace.core.i18n import LANG_COOKIE, LANGUAGES

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    """The home page: what Pairbook is and where to sign in."""
    return render_template("public/index.html")


def _safe_next(target: str | None) -> str:
    """Only same-site paths; anything else goes home."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return parts.path or "/"


@bp.post("/language")
def set_language() -> Response:
    """Remember the chosen language in a cookie and return to the page the user was on."""
    lang = request.form.get("lang", "")
    response = redirect(_safe_next(request.form.get("next")), code=303)
    if lang in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response


@bp.post("/logout")
def logout() -> Response:
    """End the session on the server; the page we land on wipes the browser's key store."""
    from workspace.accounts import sessions as auth

    auth.sign_out()
    return redirect("/?signed_out=1", code=303)
