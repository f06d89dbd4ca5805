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
from workspace.core.jsonapi import not_found
from workspace.pairs import queries as pairs
from workspace.rights.retention import GRACE_DAYS

bp = Blueprint("removal", __name__, url_prefix="/organiser/pairs/<pair_id>")


def _pair(pair_id: str) -> Any:
    row = (
        get_db()
        .execute(
            "SELECT p.*, g.name AS programme_name, g.language FROM pairs p "
            "JOIN programmes g ON g.id = p.programme_id "
            "JOIN programme_organisers o ON o.programme_id = g.id WHERE p.id = ? AND o.user_id = ?",
            (pair_id, auth.current_user()["id"]),
        )
        .fetchone()
    )
    if row is None:
        not_found()
    return row


def _tell(conn: Any, pair: Any, user_id: str, ended: bool) -> None:
    user = conn.execute("SELECT email FROM users WHERE id = ?", (user_id,)).fetchone()
    until = pairs.last_readable_day(clock.iso())
    with force_locale("en" if pair["language"] == "en" else "fi"):
        subject = _("Your mentoring pair in Pairbook has ended")
        first = (
            _(
                "The organiser of %(programme)s has ended your mentoring pair.",
                programme=pair["programme_name"],
            )
            if ended
            else _(
                "The organiser of %(programme)s has removed you from your mentoring pair.",
                programme=pair["programme_name"],
            )
        )
        body = "\n\n".join(
            [
                first,
                _(
                    "You can still sign in and download your data until %(date)s. After that "
                    "your notebook is deleted.",
                    date=until,
                ),
                f"{accounts.base_url()}/account/data",
            ]
        )
    mail.enqueue(conn, user["email"], subject, body)


@bp.route("/end", methods=["GET", "POST"])
@auth.organiser_required
def end_pair(pair_id: str) -> str | Response:
    """End a pair: both members are told and can export for the grace period."""
    pair = _pair(pair_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template("organiser/end_pair.html", pair=pair, form=form, days=GRACE_DAYS)
    conn = get_db()
    with transaction(conn):
        conn.execute(
            "UPDATE pairs SET ended_at = COALESCE(ended_at, ?) WHERE id = ?", (clock.iso(), pair_id)
        )
        for member in conn.execute(
            "SELECT user_id FROM pair_members WHERE pair_id = ?", (pair_id,)
        ).fetchall():
            _tell(conn, pair, member["user_id"], ended=True)
        audit.record(
            conn, pair["programme_id"], auth.current_user()["id"], "pair.ended", pair["code"]
        )
    mail.flush()
    flash(_("The pair was ended. Both members were told."))
    return redirect(url_for("organiser.programme", programme_id=pair["programme_id"]), code=303)


@bp.route("/<role>/remove", methods=["GET", "POST"])
@auth.organiser_required
def remove_member(pair_id: str, role: str) -> str | Response:
    """Remove one participant from a pair; they can export for the grace period."""
    pair = _pair(pair_id)
    conn = get_db()
    member = conn.execute(
        "SELECT user_id FROM pair_members WHERE pair_id = ? AND role = ?", (pair_id, role)
    ).fetchone()
    if member is None:
        not_found()
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template(
            "organiser/remove_member.html", pair=pair, role=role, form=form, days=GRACE_DAYS
        )
    with transaction(conn):
        conn.execute(
            "UPDATE pair_members SET removed_at = COALESCE(removed_at, ?) "
            "WHERE pair_id = ? AND role = ?",
            (clock.iso(), pair_id, role),
        )
        _tell(conn, pair, member["user_id"], ended=False)
        audit.record(
            conn,
            pair["programme_id"],
            auth.current_user()["id"],
            "participant.removed",
            f"{pair['code']}:{role}",
        )
    mail.flush()
    flash(_("The participant was removed and told."))
    return redirect(url_for("organiser.programme", programme_id=pair["programme_id"]), code=303)
