"""The organiser's side of accounts and pairing: programmes, pairs, invitations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import DateField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, ValidationError

from . import accounts, audit, auth, clock, logs, mail, pairs, programmes
from .db import get_db, transaction
from .jsonapi import not_found

bp = Blueprint("organiser", __name__, url_prefix="/organiser")

PROGRAMME_LANGUAGES = [
    SelectChoice("fi", _l("Finnish")),
    SelectChoice("fi-selko", _l("Plain Finnish")),
    SelectChoice("en", _l("English")),
    SelectChoice("sv", _l("Swedish")),
]
STATE_LABELS = {
    "invited": _l("invited"),
    "joined": _l("joined"),
    "key shared": _l("key shared"),
    "verified": _l("verified"),
}


class ProgrammeForm(FlaskForm):
    """A new programme."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    language = SelectField(_l("Language"), choices=PROGRAMME_LANGUAGES)
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    mid_date = DateField(_l("Mid-point date"), validators=[DataRequired()])
    end_date = DateField(_l("End date"), validators=[DataRequired()])

    def validate_mid_date(self, field: DateField) -> None:
        """The mid-point lies between start and end."""
        if self.start_date.data and field.data and field.data <= self.start_date.data:
            raise ValidationError(_("The mid-point must be after the start date."))

    def validate_end_date(self, field: DateField) -> None:
        """The end comes last."""
        if self.mid_date.data and field.data and field.data <= self.mid_date.data:
            raise ValidationError(_("The end date must be after the mid-point."))


def _email_field(label: Any) -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(),
            Email(message=_l("Write a whole email address.")),
            Length(max=254),
        ],
    )


class PairForm(FlaskForm):
    """A new pair: the two people's email addresses."""

    mentor_email = _email_field(_l("Mentor's email"))
    mentee_email = _email_field(_l("Mentee's email"))

    def validate_mentee_email(self, field: EmailField) -> None:
        """Two different people."""
        if (self.mentor_email.data or "").strip().lower() == (field.data or "").strip().lower():
            raise ValidationError(_("The mentor and the mentee need different email addresses."))


class OrganiserForm(FlaskForm):
    """Invite another organiser to a programme."""

    email = _email_field(_l("Organiser's email"))


class EmptyForm(FlaskForm):
    """Just the CSRF token, for buttons."""


def _my_programme(programme_id: str) -> Any:
    row = (
        get_db()
        .execute(
            "SELECT g.* FROM programmes g JOIN programme_organisers o ON o.programme_id = g.id "
            "WHERE g.id = ? AND o.user_id = ?",
            (programme_id, auth.current_user()["id"]),
        )
        .fetchone()
    )
    if row is None:
        not_found()
    return row


@bp.get("")
@auth.organiser_required
def dashboard() -> str:
    """The organiser's programmes."""
    rows = (
        get_db()
        .execute(
            "SELECT g.*, (SELECT count(*) FROM pairs p WHERE p.programme_id = g.id) AS pair_count "
            "FROM programmes g JOIN programme_organisers o ON o.programme_id = g.id "
            "WHERE o.user_id = ? ORDER BY g.start_date DESC",
            (auth.current_user()["id"],),
        )
        .fetchall()
    )
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


def _pair_rows(programme_id: str) -> list[dict[str, Any]]:
    conn = get_db()
    rows = []
    for pair in conn.execute(
        "SELECT * FROM pairs WHERE programme_id = ? ORDER BY created_at", (programme_id,)
    ):
        members = []
        for member in conn.execute(
            "SELECT m.role, m.user_id FROM pair_members m WHERE m.pair_id = ? "
            "ORDER BY m.role = 'mentee'",
            (pair["id"],),
        ):
            invitation = conn.execute(
                "SELECT id, expires_at, used_at, revoked_at FROM invitations "
                "WHERE pair_id = ? AND user_id = ? ORDER BY created_at DESC LIMIT 1",
                (pair["id"], member["user_id"]),
            ).fetchone()
            state = pairs.member_state(conn, pair["id"], member["user_id"])
            members.append(
                {
                    "role": member["role"],
                    "state": state,
                    "state_label": STATE_LABELS[state],
                    "invitation": invitation,
                    "can_resend": state == "invited",
                    "can_revoke": state == "invited"
                    and invitation is not None
                    and not invitation["used_at"]
                    and not invitation["revoked_at"],
                }
            )
        rows.append({"pair": pair, "members": members})
    return rows


@bp.get("/programmes/<programme_id>")
@auth.organiser_required
def programme(programme_id: str) -> str:
    """A programme's pairs with their membership state."""
    return _render_programme(_my_programme(programme_id), PairForm(), OrganiserForm())


def _render_programme(row: Any, pair_form: PairForm, organiser_form: OrganiserForm) -> str:
    organisers = (
        get_db()
        .execute(
            "SELECT u.display_name, u.joined_at FROM programme_organisers o "
            "JOIN users u ON u.id = o.user_id WHERE o.programme_id = ? ORDER BY o.added_at",
            (row["id"],),
        )
        .fetchall()
    )
    return render_template(
        "organiser/programme.html",
        programme=row,
        pairs=_pair_rows(row["id"]),
        pair_form=pair_form,
        organiser_form=organiser_form,
        organisers=organisers,
        button_form=EmptyForm(),
        clock=clock,
    )


@bp.post("/programmes/<programme_id>/pairs")
@auth.organiser_required
def create_pair(programme_id: str) -> str | Response:
    """Form a pair and email both invitations."""
    row = _my_programme(programme_id)
    form = PairForm()
    if not form.validate_on_submit():
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
    mail.deliver_pending(current_app._get_current_object(), conn)
    logs.event("pair.created", pair=pair["id"], by=auth.current_user()["id"])
    flash(_("Pair %(code)s created. Both invitations were sent.", code=pair["code"]))
    return redirect(url_for(".programme", programme_id=programme_id), code=303)


def _pair_code(pair_id: str) -> str:
    row = get_db().execute("SELECT code FROM pairs WHERE id = ?", (pair_id,)).fetchone()
    return row["code"] if row else "?"


def _invitation_in_my_programme(invitation_id: str) -> Any:
    row = (
        get_db()
        .execute(
            "SELECT i.*, u.email, g.name AS programme_name, g.language FROM invitations i "
            "JOIN users u ON u.id = i.user_id JOIN programmes g ON g.id = i.programme_id "
            "JOIN programme_organisers o ON o.programme_id = g.id "
            "WHERE i.id = ? AND o.user_id = ? AND i.pair_id IS NOT NULL",
            (invitation_id, auth.current_user()["id"]),
        )
        .fetchone()
    )
    if row is None:
        not_found()
    return row


@bp.post("/invitations/<invitation_id>/resend")
@auth.organiser_required
def resend_invitation(invitation_id: str) -> Response:
    """Revoke the old link and email a new one."""
    old = _invitation_in_my_programme(invitation_id)
    if not EmptyForm().validate_on_submit():
        not_found()
    conn = get_db()
    with transaction(conn):
        conn.execute(
            "UPDATE invitations SET revoked_at = ? WHERE user_id = ? AND pair_id = ? "
            "AND used_at IS NULL AND revoked_at IS NULL",
            (clock.iso(), old["user_id"], old["pair_id"]),
        )
        token = accounts.create_invitation(
            conn, old["user_id"], old["role"], old["programme_id"], old["pair_id"]
        )
        accounts.send_invitation_email(
            conn, old["email"], token, old["role"], old["programme_name"], old["language"]
        )
        audit.record(
            conn,
            old["programme_id"],
            auth.current_user()["id"],
            "invitation.sent",
            f"{_pair_code(old['pair_id'])}:{old['role']}",
        )
    mail.deliver_pending(current_app._get_current_object(), conn)
    logs.event("invitation.resent", invitation=invitation_id, by=auth.current_user()["id"])
    flash(_("A new invitation was sent. The old link no longer works."))
    return redirect(url_for(".programme", programme_id=old["programme_id"]), code=303)


@bp.post("/invitations/<invitation_id>/revoke")
@auth.organiser_required
def revoke_invitation(invitation_id: str) -> Response:
    """Make an unused invitation link stop working."""
    old = _invitation_in_my_programme(invitation_id)
    if not EmptyForm().validate_on_submit():
        not_found()
    with transaction(get_db()):
        get_db().execute(
            "UPDATE invitations SET revoked_at = ? WHERE id = ? AND used_at IS NULL",
            (clock.iso(), invitation_id),
        )
        audit.record(
            get_db(),
            old["programme_id"],
            auth.current_user()["id"],
            "invitation.revoked",
            f"{_pair_code(old['pair_id'])}:{old['role']}",
        )
    logs.event("invitation.revoked", invitation=invitation_id, by=auth.current_user()["id"])
    flash(_("The invitation was revoked."))
    return redirect(url_for(".programme", programme_id=old["programme_id"]), code=303)


@bp.post("/programmes/<programme_id>/organisers")
@auth.organiser_required
def add_organiser(programme_id: str) -> str | Response:
    """Share the programme with another organiser."""
    row = _my_programme(programme_id)
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
            conn.execute(
                "INSERT OR IGNORE INTO programme_organisers (programme_id, user_id, added_at) "
                "VALUES (?, ?, ?)",
                (programme_id, user["id"], clock.iso()),
            )
        else:
            token = accounts.create_invitation(conn, user["id"], "organiser", programme_id)
            accounts.send_invitation_email(
                conn, user["email"], token, "organiser", row["name"], row["language"]
            )
    mail.deliver_pending(current_app._get_current_object(), conn)
    flash(_("The organiser was added or invited."))
    return redirect(url_for(".programme", programme_id=programme_id), code=303)
