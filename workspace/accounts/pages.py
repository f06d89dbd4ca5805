"""Account pages: joining, signing in, recovery, reset and the account page.

The pages are shells: the secrets are handled by JavaScript on the device, which talks to the
JSON API (docs/API.md). Every input that holds a secret has no `name`, so a page without
JavaScript can never send one.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from workspace.accounts import queries as accounts
from workspace.accounts import sessions as auth
from workspace.core.db import get_db
from workspace.core.redirects import safe_next

bp = Blueprint("accounts", __name__)


@bp.get("/join/<token>")
def join(token: str) -> str:
    """Accept an invitation: choose a name and a passphrase; keys are made on the device."""
    return render_template("accounts/join.html", token=token)


@bp.get("/login")
def login() -> str | Response:
    """Sign in (the passphrase never leaves the device)."""
    user = auth.current_user()
    next_path = safe_next(request.args.get("next")) or ""
    if user is not None and not request.args.get("unlock"):
        return redirect(next_path or _home(user["role"]))
    return render_template("accounts/login.html", next_path=next_path)


def _home(role: str) -> str:
    return url_for("organiser.dashboard") if role == "organiser" else url_for("pairs.pairs")


@bp.get("/forgot")
def forgot() -> str:
    """Lost passphrase: use the recovery code, or start over with a new key."""
    return render_template("accounts/forgot.html")


@bp.get("/recover")
def recover() -> str:
    """Set a new passphrase with the recovery code; nothing is lost."""
    return render_template("accounts/recover.html")


@bp.get("/reset/<token>")
def reset(token: str) -> str:
    """Start over with a new key (from the emailed link)."""
    return render_template("accounts/reset.html", token=token)


@bp.get("/account")
@auth.login_required
def account() -> str:
    """Change the passphrase, make a new recovery code (with a reminder if the member never said
    they saved theirs); links to data rights."""
    material = accounts.key_material(get_db(), auth.current_user()["id"])
    return render_template(
        "accounts/account.html", recovery_saved=accounts.recovery_saved(material)
    )
