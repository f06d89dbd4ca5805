"""The applicant's pages (no sign-in): a programme's calls, the application form, the status page
behind the emailed link (withdraw, delete), and confirming a repeat application. Each page is in
the visitor's chosen language, else the programme's."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, make_response, render_template, request
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from workspace.core.db import get_db, transaction
from workspace.core.forms import EmptyForm
from workspace.core.i18n import LANG_COOKIE, mail_locale, normalise, page_locale
from workspace.pairs import queries as pairs
from workspace.recruitment import applying, calls, mails, queries
from workspace.recruitment.access import applicant_link, public_recruitment

bp = Blueprint("recruitment_pages", __name__, url_prefix="/apply")
STATUS_TEXT = {
    "new": lambda: _("Received: the organisers will read it."),
    "in_contact": lambda: _("The organisers are in contact with you."),
    "accepted": lambda: _("Accepted: the organisers are forming the pairs."),
    "waiting": lambda: _("On the waiting list: we tell you if a place opens."),
    "not_selected": lambda: _("No pair was found for you this time."),
    "withdrawn": lambda: _("Withdrawn: the organisers will not form a pair from it."),
}


@bp.app_template_filter("long_date")
def long_date(value: str | None) -> str:
    """An ISO date in the page's language (1. joulukuuta 2026 / 1 December 2026)."""
    if not value:
        return "–"
    return format_date(date.fromisoformat(value), "long")


def page_language(programme_language: str | None) -> str:
    """The visitor's chosen language (the picker, or their account), else the programme's."""
    return page_locale(programme_language)


def _render(template: str, language: str, status: int = 200, **context: Any) -> Response:
    with force_locale(language):
        body = render_template(
            template,
            current_language=language,
            languages=calls.APPLICANT_LANGUAGES,
            modes=calls.MODES,
            **context,
        )
    return make_response(body, status)


def _call_or_404(slug: str, role: str) -> tuple[Any, Any]:
    rec = public_recruitment(slug)
    if role not in calls.ROLES:
        abort(404)
    call = queries.call(get_db(), rec["programme_id"], role)
    if call is None or call["state"] == "draft":
        abort(404)
    return rec, call


@bp.get("/<slug>")
def calls_page(slug: str) -> Response:
    """Both calls of a programme; the closed ones say so."""
    rec = public_recruitment(slug)
    shown = [
        calls.public_call(c)
        for c in queries.calls(get_db(), rec["programme_id"])
        if c["state"] != "draft"
    ]
    language = page_language(rec["language"])
    return _render(
        "recruitment/calls.html",
        language,
        recruitment=rec,
        calls=shown,
    )


@bp.get("/<slug>/<role>")
def form_page(slug: str, role: str) -> Response:
    """The application form, or a clear page (409) when the call is closed."""
    rec, call = _call_or_404(slug, role)
    language = page_language(rec["language"])
    if not calls.is_open(call):
        return _render(
            "recruitment/closed.html", language, 409, recruitment=rec, call=calls.public_call(call)
        )
    return _render(
        "recruitment/apply.html",
        language,
        recruitment=rec,
        call=calls.public_call(call),
        questions=calls.form_questions(role, call),
        keep_days=rec["keep_days"],
    )


@bp.post("/<slug>/<role>")
def form_without_script(slug: str, role: str) -> Response:
    """The form was sent without its script (which seals the answers): nothing was sent, say so."""
    rec, _call = _call_or_404(slug, role)
    return _render(
        "recruitment/needs_script.html", page_language(rec["language"]), 400, recruitment=rec
    )


def _status_context(link: Any) -> dict[str, Any]:
    conn = get_db()
    programme = pairs.programme(conn, link["programme_id"])
    call = queries.call(conn, link["programme_id"], link["role"])
    return {
        "application": link,
        "programme": programme,
        "call": calls.public_call(call),
        "status_text": STATUS_TEXT.get(link["status"], STATUS_TEXT["new"])(),
        "form": EmptyForm(),
    }


def _status_language(link: Any) -> str:
    return normalise(request.cookies.get(LANG_COOKIE)) or mail_locale(None, link["language"])


@bp.get("/status/<token>")
def status(token: str) -> Response:
    """The applicant's status page; opening it confirms the email address."""
    link = applicant_link(token, "status")
    conn = get_db()
    with transaction(conn):
        queries.confirm_address(conn, link["id"])
    link = applicant_link(token, "status")
    language = _status_language(link)
    with force_locale(language):
        context = _status_context(link)
    return _render("recruitment/status.html", language, token=token, **context)


@bp.post("/status/<token>/withdraw")
def withdraw(token: str) -> Response:
    """Withdraw the application (the organisers see it was withdrawn)."""
    link = applicant_link(token, "status")
    if not EmptyForm().validate_on_submit():
        abort(400)
    conn = get_db()
    with transaction(conn):
        queries.withdraw(conn, link["id"])
    link = applicant_link(token, "status")
    language = _status_language(link)
    with force_locale(language):
        context = _status_context(link)
        notice = _("Your application was withdrawn.")
    return _render("recruitment/status.html", language, token=token, notice=notice, **context)


@bp.post("/status/<token>/delete")
def delete(token: str) -> Response:
    """Delete the application at once, with everything the server held of it."""
    link = applicant_link(token, "status")
    language = _status_language(link)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if request.form.get("sure") != "yes":
        with force_locale(language):
            context = _status_context(link)
            context["sure_error"] = _("Tick the box to confirm that you want to delete it.")
        return _render("recruitment/status.html", language, 400, token=token, **context)
    conn = get_db()
    programme = pairs.programme(conn, link["programme_id"])
    with transaction(conn):
        queries.delete_application(conn, link["id"])
    return _render("recruitment/deleted.html", language, programme=programme)


@bp.get("/update/<token>")
def update_page(token: str) -> Response:
    """Ask the applicant to confirm that the new answers replace the earlier ones (a link opened
    by a mail scanner changes nothing)."""
    link = applicant_link(token, "update")
    language = _status_language(link)
    programme = pairs.programme(get_db(), link["programme_id"])
    return _render(
        "recruitment/update.html", language, token=token, programme=programme, form=EmptyForm()
    )


@bp.post("/update/<token>")
def update(token: str) -> Response:
    """Replace the earlier application with the confirmed new one and mail a new status link."""
    link = applicant_link(token, "update")
    if not EmptyForm().validate_on_submit():
        abort(400)
    conn = get_db()
    programme = pairs.programme(conn, link["programme_id"])
    rec = queries.recruitment(conn, link["programme_id"])
    call = queries.call(conn, link["programme_id"], link["role"])
    organisers = {r["id"] for r in queries.programme_organiser_bundles(conn, programme["id"])}
    with transaction(conn):
        new_id = applying.confirm_update(conn, link, organisers)
        if new_id is not None:
            new = queries.application(conn, new_id)
            token = queries.create_token(
                conn, new_id, "status", applying.status_expiry(rec, programme)
            )
            mails.acknowledge(
                conn,
                new["email"],
                new["language"],
                programme,
                call,
                token,
                applying.deletion_day(rec, programme),
                updated=True,
            )
    language = _status_language(link)
    return _render(
        "recruitment/updated.html",
        language,
        200 if new_id else 409,
        programme=programme,
        updated=new_id is not None,
        call=calls.public_call(call),
    )
