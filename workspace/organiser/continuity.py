"""Keeping a pair going: invite a new mentor or mentee into a pair whose member left (or was
removed), and pause or resume a pair. Both members are told by mail and by a notice; everything
is audited."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from workspace.accounts import sessions as auth
from workspace.core import audit, logs
from workspace.core.db import get_db, transaction
from workspace.core.forms import EmptyForm, email_field
from workspace.core.jsonapi import not_found
from workspace.organiser import queries, replacing
from workspace.organiser.access import my_pair
from workspace.pairs import queries as pairs
from workspace.rights import departures

bp = Blueprint("continuity", __name__, url_prefix="/organiser/pairs/<pair_id>")


class ReplaceForm(FlaskForm):
    """The newcomer's email address."""

    email = email_field(_l("Email of the new member"))


def _back(pair: Any) -> Response:
    return redirect(url_for("organiser.programme", programme_id=pair["programme_id"]), code=303)


@bp.route("/<role>/replace", methods=["GET", "POST"])
@auth.organiser_required
def replace_member(pair_id: str, role: str) -> str | Response | tuple[str, int]:
    """Invite a new member into the role a member left (or was removed from). The newcomer joins
    the same notebook: the remaining member's browser gives them a key share."""
    pair, programme = my_pair(pair_id)
    conn = get_db()
    if not replacing.vacant(conn, pair, role):
        not_found()
    current = queries.present_members(conn, pair_id).get(role)
    form = ReplaceForm()
    context = {"pair": pair, "role": role, "form": form, "removed": current is not None}
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("organiser/replace_member.html", **context), status
    refusal = replacing.refusal(conn, pair_id, role, form.email.data)
    if refusal is not None:
        form.email.errors = [refusal]
        return render_template("organiser/replace_member.html", **context), 400
    actor = auth.current_user()["id"]
    with transaction(conn):
        replacing.invite(conn, pair, programme, role, form.email.data, actor)
    logs.event("pair.member_replaced", pair=pair_id, by=actor)
    flash(_("A new member was invited. Their partner was told."))
    return _back(pair)


def _pause_or_resume(pair_id: str, pausing: bool) -> str | Response:
    pair, programme = my_pair(pair_id)
    if pair["ended_at"] or pausing == pairs.paused(pair):
        not_found()
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template("organiser/pause_pair.html", pair=pair, pausing=pausing, form=form)
    conn = get_db()
    with transaction(conn):
        changed = pairs.pause_pair(conn, pair_id) if pausing else pairs.resume_pair(conn, pair_id)
        if not changed:
            not_found()
        if not pausing:
            departures.dismiss_kind(conn, pair_id, "paused")
        for member_id in replacing.told_members(conn, pair_id):
            departures.tell(
                conn, pair, programme, member_id, "paused" if pausing else "resumed", None
            )
        audit.record(
            conn,
            programme["id"],
            auth.current_user()["id"],
            "pair.paused" if pausing else "pair.resumed",
            pair["code"],
        )
    flash(
        _("The pair was paused. Both members were told.")
        if pausing
        else _("The pair was resumed. Both members were told.")
    )
    return _back(pair)


@bp.route("/pause", methods=["GET", "POST"])
@auth.organiser_required
def pause_pair(pair_id: str) -> str | Response:
    """Pause a pair: its notebook is read-only until it is resumed; both members are told."""
    return _pause_or_resume(pair_id, pausing=True)


@bp.route("/resume", methods=["GET", "POST"])
@auth.organiser_required
def resume_pair(pair_id: str) -> str | Response:
    """Resume a paused pair; both members are told."""
    return _pause_or_resume(pair_id, pausing=False)
