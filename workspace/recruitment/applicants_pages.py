"""The organiser's applicant pages: the list (filters, status for many at once), one applicant
(answers and notes decrypted on the device), group messages by status and the CSV import. The
server renders what it knows in clear (email, role, status, dates); answers and notes are
opened by static/js/recruitment/applicants*.js and never pass through these routes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField, TextAreaField

from workspace.accounts import sessions as auth
from workspace.core import fragments, logs
from workspace.core.db import get_db, transaction
from workspace.core.forms import EmptyForm, SelectField, at_most, required
from workspace.core.jsonapi import not_found
from workspace.organiser.access import my_programme
from workspace.recruitment import applicants, calls, queries
from workspace.recruitment.access import my_application

bp = Blueprint("applicants", __name__, url_prefix="/organiser/programmes")

_ALL = [("", _l("Everyone"))]


def _role_choices() -> list[tuple[str, Any]]:
    return list(applicants.ROLE_NAMES.items())


def _status_choices() -> list[tuple[str, Any]]:
    return list(applicants.STATUS_NAMES.items())


class MessageForm(FlaskForm):
    """A message to every applicant of one status (and role)."""

    status = SelectField(_l("Applicants with the status"), choices=_status_choices)
    role = SelectField(_l("Role"), choices=lambda: _ALL + _role_choices())
    subject = StringField(_l("Subject"), validators=[required(), at_most(applicants.MAX_SUBJECT)])
    text = TextAreaField(
        _l("Message"),
        validators=[required(), at_most(applicants.MAX_TEXT)],
        render_kw={"rows": 8},
    )


def _day(value: str | None) -> str:
    if not value:
        return ""
    return format_date(datetime.fromisoformat(value.replace("Z", "+00:00")), "medium")


def _questions(conn: Any, programme_id: str) -> dict[str, list[dict[str, Any]]]:
    """Each role's questions as the applicant saw them: key, kind, label and option labels (for
    showing the decrypted answers, and for the CSV's columns)."""
    own = {c["role"]: calls.questions_of(c) for c in queries.calls(conn, programme_id)}
    out: dict[str, list[dict[str, Any]]] = {}
    for role in calls.ROLES:
        items = [
            {
                "key": q["key"],
                "kind": q["kind"],
                "label": str(q["label"]),
                "options": {k: str(v) for k, v in q.get("options", {}).items()},
            }
            for q in calls.builtin_questions(role)
        ]
        for q in own.get(role, []):
            items.append(
                {
                    "key": f"q:{q['id']}",
                    "kind": q["kind"],
                    "label": q["label"],
                    "options": {o: o for o in q.get("options", [])},
                }
            )
        out[role] = items
    return out


def _filters() -> tuple[str | None, str | None]:
    role = request.values.get("role") or None
    status = request.values.get("status_filter") or request.args.get("status") or None
    if role not in (None, *applicants.ROLE_NAMES) or status not in (
        None,
        *applicants.STATUS_NAMES,
    ):
        return None, None
    return role, status


def _list_context(programme: Any, role: str | None, status: str | None) -> dict[str, Any]:
    conn = get_db()
    me = auth.current_user()["id"]
    rows = queries.applications_for(conn, programme["id"], me, role=role, status=status)
    return {
        "programme": programme,
        "rows": rows,
        "chosen_role": role or "",
        "chosen_status": status or "",
        "roles": applicants.ROLE_NAMES,
        "statuses": applicants.STATUS_NAMES,
        "day": _day,
        "questions": json.dumps(_questions(conn, programme["id"]), ensure_ascii=False),
        "button_form": EmptyForm(),
    }


@bp.get("/<programme_id>/applicants")
@auth.organiser_required
def applicant_list(programme_id: str) -> Response:
    """The applicants, filtered by role and status; to htmx the rows alone."""
    programme = my_programme(programme_id)
    role, status = _filters()
    return fragments.page(
        "recruitment/applicants.html",
        "recruitment/_applicant_rows.html",
        **_list_context(programme, role, status),
    )


def _chosen_status() -> str | None:
    value = request.form.get("new_status", "")
    return value if value in applicants.STATUS_NAMES else None


@bp.post("/<programme_id>/applicants/status")
@auth.organiser_required
def change_status(programme_id: str) -> Response:
    """One status for the ticked applicants (a plain form post, or htmx: the rows again)."""
    programme = my_programme(programme_id)
    role, status = _filters()
    back = url_for(".applicant_list", programme_id=programme_id, role=role, status=status)
    if not EmptyForm().validate_on_submit():
        not_found()
    ids = list(dict.fromkeys(request.form.getlist("application_ids")))[:500]
    new_status = _chosen_status()
    if not ids or new_status is None:
        message = (
            _("Tick at least one applicant first.") if not ids else _("Choose the new status.")
        )
        context = _list_context(programme, role, status)
        context["status_error"] = message
        return fragments.page(
            "recruitment/applicants.html", "recruitment/_applicant_rows.html", 400, **context
        )
    conn = get_db()
    with transaction(conn):
        if applicants.change_status(conn, programme_id, ids, new_status) != len(ids):
            not_found()
    logs.event("applicants.status", programme=programme_id, count=len(ids), status=new_status)
    message = ngettext(
        "%(num)s applicant now has the status %(status)s.",
        "%(num)s applicants now have the status %(status)s.",
        len(ids),
        status=applicants.STATUS_NAMES[new_status],
    )
    return fragments.after_post(
        "recruitment/_applicant_rows.html", back, message, **_list_context(programme, role, status)
    )


@bp.get("/<programme_id>/applicants/<application_id>")
@auth.organiser_required
def applicant(programme_id: str, application_id: str) -> str:
    """One applicant: what the server knows, and the place for the decrypted answers and notes."""
    programme = my_programme(programme_id)
    row = my_application(application_id, programme_id)
    conn = get_db()
    return render_template(
        "recruitment/applicant.html",
        programme=programme,
        row=row,
        roles=applicants.ROLE_NAMES,
        statuses=applicants.STATUS_NAMES,
        day=_day,
        questions=json.dumps(_questions(conn, programme_id), ensure_ascii=False),
        button_form=EmptyForm(),
    )


@bp.post("/<programme_id>/applicants/<application_id>/status")
@auth.organiser_required
def change_one(programme_id: str, application_id: str) -> Response:
    """The status of one applicant (a plain form post)."""
    my_application(application_id, programme_id)
    if not EmptyForm().validate_on_submit():
        not_found()
    new_status = _chosen_status()
    if new_status is None:
        return redirect(
            url_for(".applicant", programme_id=programme_id, application_id=application_id)
        )
    conn = get_db()
    with transaction(conn):
        applicants.change_status(conn, programme_id, [application_id], new_status)
    flash(_("The status is now %(status)s.", status=applicants.STATUS_NAMES[new_status]))
    return redirect(
        url_for(".applicant", programme_id=programme_id, application_id=application_id), code=303
    )


def _render_message(programme: Any, form: MessageForm, status: int = 200) -> tuple[str, int]:
    conn = get_db()
    counts = {
        s: len(applicants.recipients(conn, programme["id"], s, None))
        for s in applicants.STATUS_NAMES
    }
    return (
        render_template(
            "recruitment/applicants_message.html",
            programme=programme,
            form=form,
            counts=counts,
            statuses=applicants.STATUS_NAMES,
            mailings=applicants.mailings(conn, programme["id"]),
            group_name=applicants.group_name,
            day=_day,
        ),
        status,
    )


@bp.get("/<programme_id>/applicants/message")
@auth.organiser_required
def message_form(programme_id: str) -> tuple[str, int]:
    """The form for a message to a group of applicants, and the log of those sent."""
    form = MessageForm(formdata=None, status=request.args.get("status", "not_selected"))
    return _render_message(my_programme(programme_id), form)


@bp.post("/<programme_id>/applicants/message")
@auth.organiser_required
def send_message(programme_id: str) -> tuple[str, int] | Response:
    """Queue the message to each applicant of the group; log the sending, not the text."""
    programme = my_programme(programme_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _render_message(programme, form, 400)
    conn = get_db()
    role = form.role.data or None
    if not applicants.recipients(conn, programme_id, form.status.data, role):
        form.status.errors = [_("Nobody in this group: no message was sent.")]
        return _render_message(programme, form, 400)
    with transaction(conn):
        count = applicants.send_group_message(
            conn,
            programme,
            auth.current_user(),
            form.status.data,
            role,
            form.subject.data.strip(),
            form.text.data.strip(),
        )
    logs.event("applicants.messaged", programme=programme_id, count=count)
    flash(
        ngettext(
            "The message is on its way to %(num)s applicant.",
            "The message is on its way to %(num)s applicants.",
            count,
        )
    )
    return redirect(url_for(".message_form", programme_id=programme_id), code=303)


@bp.get("/<programme_id>/applicants/import")
@auth.organiser_required
def import_page(programme_id: str) -> str:
    """Import applicants from a CSV: read, mapped, checked and sealed in the browser."""
    programme = my_programme(programme_id)
    conn = get_db()
    return render_template(
        "recruitment/applicants_import.html",
        programme=programme,
        roles=applicants.ROLE_NAMES,
        questions=json.dumps(_questions(conn, programme_id), ensure_ascii=False),
        languages={"fi": _("Finnish"), "en": _("English")},
        max_rows=applicants.MAX_IMPORT,
    )
