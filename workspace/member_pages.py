"""Member pages (being written): sign-in, joining, account, pairs."""

from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("member", __name__)


@bp.get("/login")
def login() -> str:
    """Sign in."""
    abort(404)


@bp.get("/account")
def account() -> str:
    """Account."""
    abort(404)


@bp.get("/pairs")
def pairs() -> str:
    """My pairs."""
    abort(404)


@bp.get("/pairs/<pair_id>")
def pair(pair_id: str) -> str:
    """One pair."""
    abort(404)
