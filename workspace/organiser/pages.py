"""The organiser's side of accounts and pairing: programmes, pairs, invitations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import EmailField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from workspace.accounts import queries as accounts
from workspace.accounts import sessions as auth
from workspace.core import audit, clock, fragments, logs
from workspace.core.db import get_db, transaction
from workspace.core.forms import DateField, EmptyForm, SelectField, at_most, email_field, required
from workspace.core.jsonapi import not_found
from workspace.organiser import programmes, queries, roster
from workspace.organiser.access import my_programme
from workspace.planning import overview as planning_overview

bp = Blueprint("organiser", __name__, url_prefix="/organiser")

PROGRAMME_LANGUAGES = [
    SelectChoice("fi", _l("Finnish")),
    SelectChoice("fi@selko", _l("Plain Finnish")),
    SelectChoice("en", _l("English")),
    SelectChoice("sv", _l("Swedish")),
]


class ProgrammeForm(FlaskForm):
    """A new programme."""

    name = StringField(_l("Name"), validators=[required(), at_most(120)])
    language = SelectField(_l("Language"), choices=PROGRAMME_LANGUAGES)
    start_date = DateField(_l("Start date"), validators=[required()])
    mid_date = DateField(_l("Mid-point date"), validators=[required()])
    end_date = DateField(_l("End date"), validators=[required()])

    def validate_mid_date(self, field: DateField) -> None:
        """The mid-point lies between start and end."""
        if self.start_date.data and field.data and field.data <= self.start_date.data:
            raise ValidationError(_("The mid-point must be after the start date."))

    def validate_end_date(self, field: DateField) -> None:
        """The end comes last."""
        if self.mid_date.data and field.data and field.data <= self.mid_date.data:
            raise ValidationError(_("The end date must be after the mid-point."))


class PairForm(FlaskForm):
    """A new pair: the two people's email addresses."""

    mentor_email = email_field(_l("Mentor's email"))
    mentee_email = email_field(_l("Mentee's email"))

    def validate_mentee_email(self, field: EmailField) -> None:
        """Two different people."""
        if (self.mentor_email.data or "").strip().lower() == (field.data or "").strip().lower():
            raise ValidationError(_("The mentor and the mentee need different email addresses."))


class OrganiserForm(FlaskForm):
    """Invite another organiser to a programme."""

    email = email_field(_l("Organiser's email"))


@bp.get("")
@auth.organiser_required
def dashboard() -> str:
    """The organiser's programmes."""
    rows = queries.programmes_of(get_db(), auth.current_user()["id"])
    return render_template("organiser/dashboard.html", programmes=rows)


@bp.route("/programmes/new", methods=["GET", "POST"])
@auth.organiser_required
def new_programme() -> str | Response:
    """Create a programme; the creator becomes its first organiser."""
    form = ProgrammeForm()
    if form.validate_on_submit():
        conn = get_db()
        with transaction(conn):
            programme_id = programmes.create_programme(
                conn,
                auth.current_user()["id"],
                form.name.data.strip(),
                form.language.data,
                (form.start_date.data, form.mid_date.data, form.end_date.data),
            )
        flash(_("Programme created."))
        return redirect(url_for(".programme", programme_id=programme_id), code=303)
    return render_template("organiser/new_programme.html", form=form)


@bp.get("/programmes/<programme_id>")
@auth.organiser_required
def programme(programme_id: str) -> str:
    """A programme's pairs with their membership state."""
    return _render_programme(my_programme(programme_id), PairForm(), OrganiserForm())


def privacy_missing(programme: Any) -> bool:
    """Whether the programme's privacy notice still lacks who runs it or whom to contact:
    nobody is invited to a programme whose notice cannot tell them that."""
    return not (
        (programme["controller"] or "").strip() and (programme["privacy_contact"] or "").strip()
    )


def _render_programme(row: Any, pair_form: PairForm, organiser_form: OrganiserForm) -> str:
    conn = get_db()
    return render_template(
        "organiser/programme.html",
        programme=row,
        privacy_missing=privacy_missing(row),
        pairs=roster.pair_rows(conn, row["id"]),
        pair_form=pair_form,
        organiser_form=organiser_form,
        organisers=queries.organiser_names(conn, row["id"]),
        button_form=EmptyForm(),
        clock=clock,
        **planning_overview.context(conn, row),
    )


@bp.get("/programmes/<programme_id>/pairs")
@bp.get("/programmes/<programme_id>/organisers")
@auth.organiser_required
def programme_forms(programme_id: str) -> Response:
    """The address a form with errors was shown at, opened again (reload, a bookmark): the
    programme page, rather than "not possible here"."""
    my_programme(programme_id)
    return redirect(url_for(".programme", programme_id=programme_id))


@bp.post("/programmes/<programme_id>/pairs")
@auth.organiser_required
def create_pair(programme_id: str) -> str | Response:
    """Form a pair and email both invitations."""
    row = my_programme(programme_id)
    form = PairForm()
    if not form.validate_on_submit():
        return _render_programme(row, form, OrganiserForm()), 400
    if privacy_missing(row):
        form.mentor_email.errors = [
            _(
                "Fill in the programme's privacy notice first: invitations can go out once "
                "it says who runs the programme and whom to contact."
            )
        ]
        return _render_programme(row, form, OrganiserForm()), 400
    conn = get_db()
    for field in (form.mentor_email, form.mentee_email):
        existing = accounts.user_by_email(conn, field.data)
        if existing is not None and existing["role"] == "organiser":
            field.errors = [_("Organiser accounts cannot be pair members.")]
            return _render_programme(row, form, OrganiserForm()), 400
    with transaction(conn):
        pair, _tokens = programmes.form_pair(
            conn, row, form.mentor_email.data, form.mentee_email.data
        )
        actor = auth.current_user()["id"]
        audit.record(conn, programme_id, actor, "pair.created", pair["code"])
        audit.record(conn, programme_id, actor, "invitation.sent", f"{pair['code']}:mentor")
        audit.record(conn, programme_id, actor, "invitation.sent", f"{pair['code']}:mentee")
    logs.event("pair.created", pair=pair["id"], by=auth.current_user()["id"])
    flash(_("Pair %(code)s created. Both invitations were sent.", code=pair["code"]))
    return redirect(url_for(".programme", programme_id=programme_id), code=303)


def _member(pair_id: str, role: str) -> tuple[Any, Any]:
    """A pair member (with email) in one of my programmes, and the programme; or 404."""
    member = queries.member(get_db(), pair_id, role)
    if member is None:
        not_found()
    return member, my_programme(member["programme_id"])


def _pairs_changed(programme_id: str, message: str) -> Response:
    """The pairs table again (to htmx) or the programme page (a plain post), with the message."""
    return fragments.after_post(
        "organiser/_pairs.html",
        url_for(".programme", programme_id=programme_id),
        message,
        pairs=roster.pair_rows(get_db(), programme_id),
    )


@bp.post("/pairs/<pair_id>/<role>/resend")
@auth.organiser_required
def resend_invitation(pair_id: str, role: str) -> Response:
    """Revoke any open link and email a new one to a member who has not joined."""
    member, programme = _member(pair_id, role)
    if not EmptyForm().validate_on_submit() or member["joined_at"]:
        not_found()
    if privacy_missing(programme):
        return _pairs_changed(
            member["programme_id"],
            _("Nothing was sent: fill in the programme's privacy notice first."),
        )
    conn = get_db()
    with transaction(conn):
        accounts.revoke_open_invitations(conn, member["user_id"], pair_id)
        token = accounts.create_invitation(
            conn, member["user_id"], role, member["programme_id"], pair_id
        )
        accounts.send_invitation_email(
            conn, member["email"], token, role, programme["name"], programme["language"]
        )
        audit.record(
            conn,
            member["programme_id"],
            auth.current_user()["id"],
            "invitation.sent",
            f"{member['code']}:{role}",
        )
    logs.event("invitation.resent", pair=pair_id, by=auth.current_user()["id"])
    return _pairs_changed(
        member["programme_id"], _("A new invitation was sent. The old link no longer works.")
    )


@bp.post("/pairs/<pair_id>/<role>/revoke")
@auth.organiser_required
def revoke_invitation(pair_id: str, role: str) -> Response:
    """Make a member's unused invitation link stop working."""
    member, _programme = _member(pair_id, role)
    if not EmptyForm().validate_on_submit():
        not_found()
    conn = get_db()
    with transaction(conn):
        accounts.revoke_open_invitations(conn, member["user_id"], pair_id)
        audit.record(
            conn,
            member["programme_id"],
            auth.current_user()["id"],
            "invitation.revoked",
            f"{member['code']}:{role}",
        )
    logs.event("invitation.revoked", pair=pair_id, by=auth.current_user()["id"])
    return _pairs_changed(member["programme_id"], _("The invitation was revoked."))


@bp.post("/programmes/<programme_id>/organisers")
@auth.organiser_required
def add_organiser(programme_id: str) -> str | Response:
    """Share the programme with another organiser."""
    row = my_programme(programme_id)
    form = OrganiserForm()
    if not form.validate_on_submit():
        return _render_programme(row, PairForm(), form), 400
    conn = get_db()
    existing = accounts.user_by_email(conn, form.email.data)
    if existing is not None and existing["role"] != "organiser":
        form.email.errors = [_("This email belongs to a pair member.")]
        return _render_programme(row, PairForm(), form), 400
    with transaction(conn):
        user = accounts.get_or_create_user(conn, form.email.data, "organiser")
        if user["joined_at"]:
            programmes.add_organiser(conn, programme_id, user["id"])
        else:
            token = accounts.create_invitation(conn, user["id"], "organiser", programme_id)
            accounts.send_invitation_email(
                conn, user["email"], token, "organiser", row["name"], row["language"]
            )
    flash(_("The organiser was added or invited."))
    return redirect(url_for(".programme", programme_id=programme_id), code=303)
