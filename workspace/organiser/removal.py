"""Organiser-side removal: end a pair or remove a participant, audited, with a grace period."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from workspace.accounts import queries as accounts
from workspace.accounts import sessions as auth
from workspace.core import audit, clock, mail
from workspace.core.db import get_db, transaction
from workspace.core.forms import EmptyForm
from workspace.core.i18n import day, mail_locale
from workspace.core.jsonapi import not_found
from workspace.organiser import queries
from workspace.organiser.access import my_pair
from workspace.pairs import queries as pairs
from workspace.rights.retention import GRACE_DAYS

bp = Blueprint("removal", __name__, url_prefix="/organiser/pairs/<pair_id>")


def _tell(conn: Any, programme: Any, user_id: str, ended: bool) -> None:
    """Email a member that their pair ended or that they were removed, and until when they can
    download their data."""
    user = accounts.user_by_id(conn, user_id)
    until = pairs.last_readable_day(clock.iso())
    with force_locale(mail_locale(programme["language"], user["language"])):
        subject = _("Your mentoring pair in Pairbook has ended")
        first = (
            _(
                "The organiser of %(programme)s has ended your mentoring pair.",
                programme=programme["name"],
            )
            if ended
            else _(
                "The organiser of %(programme)s has removed you from your mentoring pair.",
                programme=programme["name"],
            )
        )
        body = "\n\n".join(
            [
                first,
                _(
                    "You can still sign in and download your data until %(date)s. After that "
                    "your notebook is deleted.",
                    date=day(until, "long"),
                ),
                f"{accounts.base_url()}/account/data",
            ]
        )
    mail.enqueue(conn, user["email"], subject, body)


@bp.route("/end", methods=["GET", "POST"])
@auth.organiser_required
def end_pair(pair_id: str) -> str | Response:
    """End a pair: both members are told and can export for the grace period."""
    pair, programme = my_pair(pair_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template("organiser/end_pair.html", pair=pair, form=form, days=GRACE_DAYS)
    conn = get_db()
    with transaction(conn):
        pairs.end_pair(conn, pair_id)
        for member in queries.present_members(conn, pair_id).values():
            _tell(conn, programme, member["user_id"], ended=True)
        audit.record(
            conn, pair["programme_id"], auth.current_user()["id"], "pair.ended", pair["code"]
        )
    flash(_("The pair was ended. Both members were told."))
    return redirect(url_for("organiser.programme", programme_id=pair["programme_id"]), code=303)


@bp.route("/<role>/remove", methods=["GET", "POST"])
@auth.organiser_required
def remove_member(pair_id: str, role: str) -> str | Response:
    """Remove one participant from a pair; they can export for the grace period."""
    pair, programme = my_pair(pair_id)
    conn = get_db()
    member = queries.present_members(conn, pair_id).get(role)
    if member is None:
        not_found()
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template(
            "organiser/remove_member.html", pair=pair, role=role, form=form, days=GRACE_DAYS
        )
    with transaction(conn):
        pairs.remove_member(conn, pair_id, role)
        _tell(conn, programme, member["user_id"], ended=False)
        audit.record(
            conn,
            pair["programme_id"],
            auth.current_user()["id"],
            "participant.removed",
            f"{pair['code']}:{role}",
        )
    flash(_("The participant was removed and told."))
    return redirect(url_for("organiser.programme", programme_id=pair["programme_id"]), code=303)
