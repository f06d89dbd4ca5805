"""Notebook pages: server-rendered shells that the browser fills with the pair's decrypted entries.

The server only knows metadata (entry types, revisions, who wrote what and when, the phase), so it
decides what comes first and what to suggest next; every word the pair writes is opened and
rendered by static/js/notebook/ in the browser.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from workspace.accounts import sessions as auth
from workspace.core import clock
from workspace.core.assets import module_preloads
from workspace.core.db import get_db
from workspace.core.jsonapi import ID_RE
from workspace.notebook import phase
from workspace.notebook import queries as notebook
from workspace.notebook.texts import lazy_text
from workspace.pairs import queries as pairs
from workspace.pairs.access import my_pair

bp = Blueprint("notebook", __name__, url_prefix="/pairs/<pair_id>/notebook")
# For templates/notebook/_fields.html, imported once without context (rights/data.html too).
bp.add_app_template_global(lazy_text, "_l")


@lru_cache(maxsize=256)
def _rendered_parts(language: str, partner_name: str) -> Markup:
    """The words and pieces every notebook page gives its scripts (_messages.html,
    _templates.html): the same for every page in one language with one partner's name, so they
    are rendered once, not a hundred gettext calls per page."""
    del language  # part of the cache key: render_template uses the request's language
    messages = render_template("notebook/_messages.html", partner_name=partner_name)
    pieces = render_template("notebook/_templates.html")
    return Markup(messages + pieces)  # noqa: S704 - Jinja's own output, escaped as it rendered


def _script_parts(partner_name: str) -> Markup:
    if current_app.debug:  # templates change while developing
        _rendered_parts.cache_clear()
    return _rendered_parts(str(get_locale()), partner_name)


def _load(pair_id: str) -> dict[str, Any]:
    """Everything a notebook page needs from metadata; 404 unless I am a member."""
    me = auth.current_user()
    pair = my_pair(pair_id)
    conn = get_db()
    book = pairs.notebook_for_pair(conn, pair_id)
    programme = pairs.programme(conn, pair["programme_id"])
    partner = pairs.partner_of(conn, pair_id, me["id"])
    rows = notebook.entry_meta(conn, book["id"]) if book else []
    confirmations = notebook.current_confirmations(conn, book["id"]) if book else []
    derived = (
        notebook.derived_phase(conn, book["id"], pairs.member_ids(conn, pair_id), rows)
        if book
        else "start"
    )
    shown = phase.state(book, derived)
    current = shown["current"]
    agreement = next((r for r in rows if r["entry_type"] == "agreement"), None)
    confirmed_by = {
        c["user_id"] for c in confirmations if agreement and c["entry_id"] == agreement["id"]
    }
    evaluations = {r["created_by"]: r for r in rows if r["entry_type"] == "evaluation"}
    today = clock.now().date().isoformat()
    mid = programme["mid_date"] if programme else None
    stats = {
        "agreement": agreement,
        "agreement_mine": agreement is not None and me["id"] in confirmed_by,
        "agreement_partner": agreement is not None
        and partner is not None
        and partner["id"] in confirmed_by,
        "goals": sum(r["entry_type"] == "goal" for r in rows),
        "meetings": sum(r["entry_type"] == "meeting" for r in rows),
        "my_evaluation": evaluations.get(me["id"]),
        "partner_evaluation": evaluations.get(partner["id"]) if partner else None,
        "summary": next((r for r in rows if r["entry_type"] == "summary"), None),
    }
    # At the programme's mid-point the pair is invited to revisit the agreement once.
    revisit = bool(
        agreement is not None
        and mid
        and today >= mid
        and agreement["updated_at"][:10] < mid
        and current in ("start", "working")
    )
    partner_name = (partner["display_name"] if partner else None) or (
        _("a former member")
        if partner is None and pairs.departures(conn, pair_id)
        else _("your partner")
    )
    return {
        "script_parts": _script_parts(partner_name),
        "pair": pair,
        "me": me,
        "my_role": pair["my_role"],
        "partner": partner,
        "partner_name": partner_name,
        "programme": programme,
        "book": book,
        "phase": {**shown, "by": phase.moved_by(shown, me["id"])},
        "stats": stats,
        "revisit": revisit,
        "read_only": pairs.read_only(pair),
        "readable_until": pairs.readable_until(pair),
        "order": phase.ORDER[current],
        "next_step": phase.next_step(current, stats, partner_left=partner is None),
    }


def _page(template: str, pair_id: str, view: str, **extra: Any) -> str:
    context = _load(pair_id)
    context.update(extra)
    return render_template(template, view=view, **context)


@bp.get("")
@auth.login_required
def overview(pair_id: str) -> str:
    """The notebook's front page: the phase, what comes first and what to do next."""
    return _page("notebook/overview.html", pair_id, "overview")


@bp.get("/agreement")
@auth.login_required
def agreement(pair_id: str) -> str:
    """The mentoring agreement and who has confirmed which revision."""
    return _page("notebook/agreement.html", pair_id, "agreement")


@bp.get("/goals")
@auth.login_required
def goals(pair_id: str) -> str:
    """The mentee's goals with their status and notes."""
    return _page("notebook/goals.html", pair_id, "goals")


@bp.get("/meetings")
@auth.login_required
def meetings(pair_id: str) -> str:
    """The meeting log, newest first."""
    return _page("notebook/meetings.html", pair_id, "meetings")


@bp.get("/meetings/new")
@auth.login_required
def new_meeting(pair_id: str) -> str:
    """The quick meeting form."""
    return _page("notebook/meeting.html", pair_id, "meeting", entry_id=None)


@bp.get("/meetings/<entry_id>")
@auth.login_required
def meeting(pair_id: str, entry_id: str) -> str | tuple[str, int]:
    """One meeting, to read or edit."""
    context = _load(pair_id)
    book = context["book"]
    row = notebook.entry(get_db(), book["id"], entry_id) if book else None
    if book is None or not ID_RE.match(entry_id) or (row and row["entry_type"] != "meeting"):
        abort(404)
    if row is None:
        # Deleted (or never here): still a 404, but the page offers back any unsaved text this
        # device kept for the meeting, to save as a new one.
        page = render_template(
            "notebook/meeting.html", view="meeting", entry_id=entry_id, gone=True, **context
        )
        return page, 404
    return render_template("notebook/meeting.html", view="meeting", entry_id=entry_id, **context)


@bp.get("/evaluation")
@auth.login_required
def evaluation(pair_id: str) -> str:
    """My closing evaluation, my partner's, and our shared summary."""
    return _page("notebook/evaluation.html", pair_id, "evaluation")


@bp.get("/print")
@auth.login_required
def print_view(pair_id: str) -> str:
    """The whole notebook on one page, for printing."""
    return _page("notebook/print.html", pair_id, "print")


# What the notebook's service worker keeps for reading offline: every page's stylesheet and
# scripts, and each notebook page's whole module graph, under the URLs the pages use.
_SHELL_FILES = ("css/app.css", "img/icon.svg", "vendor/htmx/htmx.min.js")
_VIEWS = ("overview", "agreement", "goals", "meetings", "meeting", "evaluation", "print")
_SHELL_MODULES = (
    "js/app.js",
    "js/fragments.js",
    "js/notebook/main.js",
    *(f"js/notebook/views/{view}.js" for view in _VIEWS),
)


def shell_assets() -> list[str]:
    """The URLs of the app shell and static modules (from core.assets, hashed or not)."""
    urls = [url_for("static", filename=name) for name in _SHELL_FILES]
    for entry in _SHELL_MODULES:
        urls.extend(module_preloads(entry))
    return list(dict.fromkeys(urls))


@bp.get("/sw.js")
@auth.login_required
def service_worker(pair_id: str) -> Response:
    """The notebook's service worker, its scope this pair's notebook pages."""
    my_pair(pair_id)
    source = Path(current_app.static_folder or "", "js", "notebook", "sw.js").read_text("utf-8")
    answer = Response(source, mimetype="text/javascript")
    # The script sits one level below the overview's address, which it controls too.
    answer.headers["Service-Worker-Allowed"] = url_for("notebook.overview", pair_id=pair_id)
    answer.headers["Cache-Control"] = "no-cache"
    return answer


@bp.get("/offline.json")
@auth.login_required
def offline_assets(pair_id: str) -> Response:
    """The list the service worker keeps on install."""
    my_pair(pair_id)
    return jsonify({"assets": shell_assets()})


@bp.get("/manifest.webmanifest")
@auth.login_required
def web_manifest(pair_id: str) -> Response:
    """The notebook as an installable web app."""
    my_pair(pair_id)
    start = url_for("notebook.overview", pair_id=pair_id)
    answer = jsonify(
        {
            "name": _("Pairbook notebook"),
            "short_name": "Pairbook",
            "description": _("Your mentoring notebook, readable on this device offline too."),
            "start_url": start,
            "scope": start,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1d4e89",
            "icons": [
                {
                    "src": url_for("static", filename="img/icon.svg"),
                    "type": "image/svg+xml",
                    "sizes": "any",
                }
            ],
        }
    )
    answer.mimetype = "application/manifest+json"
    return answer
