"""The programme's part of the privacy notice, edited by its organisers."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField, TextAreaField
from wtforms.validators import Optional

from workspace.accounts import sessions as auth
from workspace.core.db import get_db, transaction
from workspace.core.forms import IntegerField, at_most, number_between, required
from workspace.organiser import programmes
from workspace.organiser.access import my_programme

bp = Blueprint("organiser_privacy", __name__, url_prefix="/organiser/programmes/<programme_id>")


class PrivacyForm(FlaskForm):
    """The programme-specific parts of the privacy notice."""

    controller = StringField(
        _l("Controller (the organisation running the programme)"),
        validators=[required(), at_most(200)],
    )
    privacy_contact = StringField(
        _l("Contact for privacy questions"), validators=[required(), at_most(200)]
    )
    retention_days = IntegerField(
        _l("Days the notebooks are kept after the programme ends"),
        validators=[required(), number_between(0, 3650)],
    )
    privacy_extra = TextAreaField(
        _l("Anything else participants should know (optional)"),
        validators=[Optional(), at_most(4000)],
    )


@bp.route("/privacy", methods=["GET", "POST"])
@auth.organiser_required
def privacy_settings(programme_id: str) -> str | Response:
    """Edit the programme's part of the privacy notice."""
    conn = get_db()
    programme = my_programme(programme_id)
    form = PrivacyForm(data=dict(programme) if request.method == "GET" else None)
    then = "pairs" if (request.values.get("then") == "pairs") else ""
    if form.validate_on_submit():
        with transaction(conn):
            programmes.set_privacy(
                conn,
                programme_id,
                controller=form.controller.data.strip(),
                contact=form.privacy_contact.data.strip(),
                retention_days=form.retention_days.data,
                extra=(form.privacy_extra.data or "").strip() or None,
            )
        if then == "pairs":
            # Sent here from the new-pair form: back to it, now that invitations can go out.
            flash(_("The privacy notice was updated. You can now invite pairs."))
            return redirect(
                url_for("organiser.programme", programme_id=programme_id) + "#new-pair-heading",
                code=303,
            )
        flash(_("The privacy notice was updated."))
        return redirect(url_for(".privacy_settings", programme_id=programme_id), code=303)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "organiser/privacy_settings.html", programme=programme, form=form, then=then
    ), status  # type: ignore[return-value]
