"""The member's data page: download my data, or delete my account (both done on the device)."""

from __future__ import annotations

from flask import Blueprint, render_template

from workspace.accounts import sessions as auth

bp = Blueprint("rights", __name__)


@bp.get("/account/data")
@auth.login_required
def data() -> str:
    """Download my data, or delete my account."""
    return render_template("rights/data.html")
