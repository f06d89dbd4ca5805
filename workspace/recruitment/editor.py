"""The organiser's recruitment page: each call's text, dates, languages and own questions, opening
and closing it, the public link, the poster and how long applications are kept."""

from __future__ import annotations

import io
from typing import Any

import segno
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from workspace.accounts import sessions as auth
from workspace.accounts.queries import base_url
from workspace.core import fragments
from workspace.core.db import get_db, transaction
from workspace.core.forms import (
    DateField,
    EmptyForm,
    IntegerField,
    SelectField,
    SelectMultipleField,
    at_most,
    number_between,
    required,
)
from workspace.core.i18n import mail_locale
from workspace.recruitment import calls, queries
from workspace.recruitment.access import my_recruitment

bp = Blueprint(
    "recruitment_editor", __name__, url_prefix="/organiser/programmes/<programme_id>/recruitment"
)
EDITOR_ROWS = 3  # empty question rows offered below the organiser's questions


class QuestionForm(Form):
    """One of the organiser's own questions (an empty row is no question)."""

    qid = HiddenField()
    label = StringField(_l("Question"), validators=[Optional(), at_most(200)])
    why = StringField(_l("Why you ask it"), validators=[Optional(), at_most(300)])
    kind = SelectField(
        _l("Kind of answer"), choices=[SelectChoice(k, v) for k, v in calls.QUESTION_KINDS.items()]
    )
    options = TextAreaField(
        _l("Choices, one per line (for one or several choices)"),
        validators=[Optional(), at_most(2000)],
    )
    required = BooleanField(_l("An answer is required"))
    not_special = BooleanField(
        _l("I have checked: this question asks nothing of the special categories of data")
    )


class CallForm(FlaskForm):
    """A call's public text, dates, languages and the organiser's own questions."""

    offer = TextAreaField(
        _l("What the programme offers and asks"), validators=[Optional(), at_most(4000)]
    )
    length_text = StringField(_l("Length"), validators=[Optional(), at_most(200)])
    rhythm = StringField(_l("Meeting rhythm"), validators=[Optional(), at_most(200)])
    mode = SelectField(
        _l("How pairs meet"), choices=[SelectChoice(k, v) for k, v in calls.MODES.items()]
    )
    criteria = TextAreaField(_l("Who may apply"), validators=[Optional(), at_most(2000)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), at_most(200)])
    contact_email = StringField(
        _l("Contact person's email"),
        validators=[
            Optional(),
            Email(message=_l("Write a whole email address.")),
            at_most(254),
        ],
    )
    closes_on = DateField(_l("Applications close"), validators=[Optional()])
    pairs_by = DateField(_l("Pairs are formed by"), validators=[Optional()])
    starts_on = DateField(_l("The programme starts"), validators=[Optional()])
    languages = SelectMultipleField(
        _l("Languages of the programme"),
        choices=[SelectChoice(k, v) for k, v in calls.APPLICANT_LANGUAGES.items()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    questions = FieldList(FormField(QuestionForm), max_entries=calls.MAX_QUESTIONS)

    def validate_pairs_by(self, field: Any) -> None:
        """Pairs are formed after applications close."""
        if field.data and self.closes_on.data and field.data < self.closes_on.data:
            raise ValidationError(_("Pairs can be formed only after applications close."))

    def validate_starts_on(self, field: Any) -> None:
        """The programme starts once the pairs are formed."""
        if field.data and self.pairs_by.data and field.data < self.pairs_by.data:
            raise ValidationError(_("The programme can start only after the pairs are formed."))


class KeepForm(FlaskForm):
    """How long applications that led to no pair are kept."""

    keep_days = IntegerField(
        _l("Days after the programme starts"),
        validators=[required(), number_between(1, 730)],
    )


def _question_errors(form: CallForm) -> bool:
    """Check the question rows; put each problem at its field. True when all are fine."""
    ok = True
    messages = {
        "kind": _("Choose the kind of answer."),
        "label": _("Write the question (at most 200 characters)."),
        "why": _("Say why you ask it (at most 300 characters): applicants see it."),
        "options": _("Give 2 to 12 different choices, one per line, each at most 100 characters."),
    }
    for row in form.questions:
        sub = row.form
        _cleaned, errors = calls.clean_questions([_row_dict(sub)])
        if 0 in errors:
            target = {"options": sub.options, "why": sub.why}.get(errors[0], sub.label)
            target.errors = [*target.errors, messages[errors[0]]]
            ok = False
        text = " ".join([sub.label.data or "", sub.why.data or "", sub.options.data or ""])
        flagged = (sub.label.data or "").strip() and calls.special_category_hint(text)
        if flagged and not sub.not_special.data:
            sub.label.errors = [
                *sub.label.errors,
                _(
                    "This question may ask for special-category data (health, ethnic origin, "
                    "religion or beliefs, sexual orientation, political opinions, trade union "
                    "membership). Rephrase or remove it, or tick the box below if it does not."
                ),
            ]
            ok = False
    return ok


def _row_dict(sub: Any) -> dict[str, Any]:
    return {
        "id": sub.qid.data or None,
        "kind": sub.kind.data,
        "label": sub.label.data or "",
        "why": sub.why.data or "",
        "options": (sub.options.data or "").splitlines(),
        "required": sub.required.data,
    }


def _call_or_404(programme_id: str, role: str) -> tuple[Any, Any, Any]:
    if role not in calls.ROLES:
        abort(404)
    programme, rec = my_recruitment(programme_id)
    return programme, rec, queries.call(get_db(), programme_id, role)


def _card(programme: Any, call: Any) -> dict[str, Any]:
    return {
        "call": call,
        "public": calls.public_call(call),
        "missing": calls.missing_to_open(call, programme),
        "counts": queries.counts_by_status(get_db(), programme["id"], call["role"]),
    }


def public_link(slug: str) -> str:
    """The shareable address of a programme's calls."""
    return f"{base_url()}{url_for('recruitment_pages.calls_page', slug=slug)}"


@bp.get("")
@auth.organiser_required
def overview(programme_id: str) -> str:
    """Both calls, their state and what they still need; the link, the poster, keeping time."""
    programme, rec = my_recruitment(programme_id)
    conn = get_db()
    return render_template(
        "recruitment/overview.html",
        programme=programme,
        recruitment=rec,
        cards=[_card(programme, c) for c in queries.calls(conn, programme_id)],
        link=public_link(rec["slug"]),
        keep_form=KeepForm(data={"keep_days": rec["keep_days"]}),
        state_form=EmptyForm(),
    )


@bp.post("/keep")
@auth.organiser_required
def keep(programme_id: str) -> str | Response:
    """Set how long non-paired applications are kept."""
    programme, rec = my_recruitment(programme_id)
    form = KeepForm()
    if form.validate_on_submit():
        conn = get_db()
        with transaction(conn):
            queries.set_keep_days(conn, programme_id, form.keep_days.data)
        flash(_("Saved."))
        return redirect(url_for(".overview", programme_id=programme_id), code=303)
    conn = get_db()
    return render_template(
        "recruitment/overview.html",
        programme=programme,
        recruitment=rec,
        cards=[_card(programme, c) for c in queries.calls(conn, programme_id)],
        link=public_link(rec["slug"]),
        keep_form=form,
        state_form=EmptyForm(),
    ), 400  # type: ignore[return-value]


def _form_data(call: Any) -> dict[str, Any]:
    from datetime import date

    data: dict[str, Any] = {k: call[k] for k in ("offer", "length_text", "rhythm", "mode")}
    data.update({k: call[k] for k in ("criteria", "contact_name", "contact_email")})
    for key in ("closes_on", "pairs_by", "starts_on"):
        data[key] = date.fromisoformat(call[key]) if call[key] else None
    data["languages"] = calls.languages_of(call)
    own = calls.questions_of(call)
    data["questions"] = [
        {
            "qid": q["id"],
            "label": q["label"],
            "why": q["why"],
            "kind": q["kind"],
            "options": "\n".join(q.get("options", [])),
            "required": q["required"],
            "not_special": calls.special_category_hint(
                " ".join([q["label"], q["why"], *q.get("options", [])])
            ),
        }
        for q in own
    ] + [{"kind": "short"}] * min(EDITOR_ROWS, calls.MAX_QUESTIONS - len(own))
    return data


@bp.route("/<role>", methods=["GET", "POST"])
@auth.organiser_required
def edit_call(programme_id: str, role: str) -> str | Response:
    """Edit one call; every problem is shown at its field and nothing is saved until all pass."""
    programme, _rec, call = _call_or_404(programme_id, role)
    form = CallForm(data=_form_data(call) if request.method == "GET" else None)
    if request.method == "POST":
        valid = form.validate()
        questions_ok = _question_errors(form)
        if valid and questions_ok:
            cleaned, _errors = calls.clean_questions([_row_dict(r.form) for r in form.questions])
            conn = get_db()
            with transaction(conn):
                queries.save_call(
                    conn,
                    programme_id,
                    role,
                    offer=form.offer.data.strip(),
                    length_text=form.length_text.data.strip(),
                    rhythm=form.rhythm.data.strip(),
                    mode=form.mode.data,
                    criteria=form.criteria.data.strip(),
                    contact_name=form.contact_name.data.strip(),
                    contact_email=form.contact_email.data.strip(),
                    closes_on=form.closes_on.data.isoformat() if form.closes_on.data else None,
                    pairs_by=form.pairs_by.data.isoformat() if form.pairs_by.data else None,
                    starts_on=form.starts_on.data.isoformat() if form.starts_on.data else None,
                    languages=list(form.languages.data or []),
                    questions=cleaned,
                )
            flash(_("The call was saved."))
            return redirect(url_for(".overview", programme_id=programme_id), code=303)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "recruitment/edit_call.html",
        programme=programme,
        call=call,
        form=form,
        role_name=calls.ROLE_NAMES[role],
    ), status  # type: ignore[return-value]


@bp.post("/<role>/state")
@auth.organiser_required
def set_state(programme_id: str, role: str) -> Response:
    """Open or close a call (opening needs the privacy notice and the call's essentials)."""
    programme, _rec, call = _call_or_404(programme_id, role)
    form = EmptyForm()
    wanted = request.form.get("state")
    if not form.validate_on_submit() or wanted not in ("open", "closed"):
        abort(400)
    conn = get_db()
    missing = calls.missing_to_open(call, programme) if wanted == "open" else []
    if missing:
        message = _("The call cannot open yet. Fill in what is listed first.")
        status = 409
    else:
        with transaction(conn):
            queries.set_call_state(conn, programme_id, role, wanted)
        message = _("The call is open.") if wanted == "open" else _("The call is closed.")
        status = 200
    call = queries.call(conn, programme_id, role)
    redirect_to = url_for(".overview", programme_id=programme_id)
    context = {"card": _card(programme, call), "programme": programme, "state_form": form}
    if status == 409:
        if not fragments.wants_fragment():
            flash(message)
            return redirect(redirect_to, code=303)
        context["problem"] = message
        return fragments.page(
            "recruitment/overview.html", "recruitment/_call_card.html", 409, **context
        )
    return fragments.after_post("recruitment/_call_card.html", redirect_to, message, **context)


@bp.get("/poster")
@auth.organiser_required
def poster(programme_id: str) -> str:
    """A printable poster of the programme's calls with a QR code of the public link."""
    programme, rec = my_recruitment(programme_id)
    link = public_link(rec["slug"])
    svg = io.BytesIO()
    segno.make(link, error="m").save(
        svg,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        border=2,
        title=_("QR code of %(link)s", link=link),
        svgclass="qr-code",
        lineclass=None,
    )
    # The poster is for applicants: in the programme's language, not the organiser's.
    language = mail_locale(programme["language"])
    with force_locale(language):
        return render_template(
            "recruitment/poster.html",
            programme=programme,
            link=link,
            qr=Markup(svg.getvalue().decode()),  # noqa: S704 (segno's SVG, no user markup)
            cards=[_card(programme, c) for c in queries.calls(get_db(), programme_id)],
            current_language=language,
        )
