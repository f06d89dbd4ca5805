"""Public information pages: the privacy notice and the accessibility statement."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import EmailField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from workspace.accounts import sessions as auth
from workspace.core import mail
from workspace.core.db import get_db, transaction
from workspace.organiser.pages import my_programme

bp = Blueprint("pages", __name__)


class FeedbackForm(FlaskForm):
    """Accessibility feedback."""

    message = TextAreaField(
        _l("What did not work for you?"), validators=[DataRequired(), Length(max=4000)]
    )
    email = EmailField(
        _l("Your email, if you want an answer (optional)"),
        validators=[Optional(), Email(message=_l("Write a whole email address.")), Length(max=254)],
    )


class PrivacyForm(FlaskForm):
    """The programme-specific parts of the privacy notice."""

    controller = StringField(
        _l("Controller (the organisation running the programme)"),
        validators=[DataRequired(), Length(max=200)],
    )
    privacy_contact = StringField(
        _l("Contact for privacy questions"), validators=[DataRequired(), Length(max=200)]
    )
    retention_days = IntegerField(
        _l("Days the notebooks are kept after the programme ends"),
        validators=[DataRequired(), NumberRange(min=0, max=3650)],
    )
    privacy_extra = TextAreaField(
        _l("Anything else participants should know (optional)"),
        validators=[Optional(), Length(max=4000)],
    )


def _my_programmes() -> list[Any]:
    user = auth.current_user()
    if user is None:
        return []
    return (
        get_db()
        .execute(
            "SELECT DISTINCT g.* FROM programmes g LEFT JOIN pairs p ON p.programme_id = g.id "
            "LEFT JOIN pair_members m ON m.pair_id = p.id "
            "LEFT JOIN programme_organisers o ON o.programme_id = g.id "
            "WHERE m.user_id = ? OR o.user_id = ? ORDER BY g.start_date DESC",
            (user["id"], user["id"]),
        )
        .fetchall()
    )


@bp.get("/privacy")
def privacy() -> str:
    """The privacy notice (GDPR Art. 13), with the signed-in user's programme details."""
    return render_template("public/privacy.html", programmes=_my_programmes())


@bp.route("/accessibility", methods=["GET", "POST"])
def accessibility() -> str | Response:
    """The accessibility statement and its feedback channel."""
    form = FeedbackForm()
    if form.validate_on_submit():
        conn = get_db()
        reply_to = form.email.data or _("(no email given)")
        with transaction(conn):
            mail.enqueue(
                conn,
                current_app.config["ACCESSIBILITY_EMAIL"],
                "Pairbook accessibility feedback",
                f"{form.message.data}\n\nReply to: {reply_to}\nPage language: "
                f"{request.accept_languages.best or '-'}",
            )
        mail.flush()
        flash(_("Thank you. Your feedback was sent."))
        return redirect(url_for(".accessibility") + "#feedback", code=303)
    status = 400 if request.method == "POST" else 200
    return render_template("public/accessibility.html", form=form), status  # type: ignore[return-value]


@bp.route("/organiser/programmes/<programme_id>/privacy", methods=["GET", "POST"])
@auth.organiser_required
def privacy_settings(programme_id: str) -> str | Response:
    """Edit the programme's part of the privacy notice."""
    conn = get_db()
    programme = my_programme(programme_id)
    form = PrivacyForm(data=dict(programme) if request.method == "GET" else None)
    if form.validate_on_submit():
        with transaction(conn):
            conn.execute(
                "UPDATE programmes SET controller = ?, privacy_contact = ?, retention_days = ?, "
                "privacy_extra = ? WHERE id = ?",
                (
                    form.controller.data.strip(),
                    form.privacy_contact.data.strip(),
                    form.retention_days.data,
                    (form.privacy_extra.data or "").strip() or None,
                    programme_id,
                ),
            )
        flash(_("The privacy notice was updated."))
        return redirect(url_for(".privacy_settings", programme_id=programme_id), code=303)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "organiser/privacy_settings.html", programme=programme, form=form
    ), status  # type: ignore[return-value]
