"""The organiser's events of a programme: create (invitations go out with an .ics), change (an
update of the same calendar entry), cancel, see who is coming, mark who attended."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from workspace.accounts import sessions as auth
from workspace.communication import events, queries
from workspace.communication.access import my_event
from workspace.communication.forms import EventForm
from workspace.core import audit, clock, fragments
from workspace.core.db import get_db, transaction
from workspace.organiser.access import my_programme

bp = Blueprint("comm_events", __name__, url_prefix="/organiser/programmes/<programme_id>/events")


def _list(programme: Any, form: EventForm, status: int = 200) -> tuple[str, int]:
    rows = queries.events_of(get_db(), programme["id"])
    now = clock.iso()
    return render_template(
        "communication/events.html",
        programme=programme,
        upcoming=[e for e in rows if e["starts_at"] >= now and not e["cancelled_at"]],
        past=[e for e in rows if e["starts_at"] < now or e["cancelled_at"]],
        form=form,
        events=events,
    ), status


@bp.get("")
@auth.organiser_required
def event_list(programme_id: str) -> tuple[str, int]:
    """The programme's events and the form for a new one."""
    return _list(my_programme(programme_id), EventForm())


@bp.post("")
@auth.organiser_required
def create_event(programme_id: str) -> Response | tuple[str, int]:
    """Create an event and invite its audience."""
    programme = my_programme(programme_id)
    form = EventForm()
    if not form.validate_on_submit():
        return _list(programme, form, 400)
    conn = get_db()
    me = auth.current_user()["id"]
    with transaction(conn):
        event_id = queries.create_event(conn, programme["id"], me, form.fields())
        count = events.invite(conn, programme, event_id)
        audit.record(conn, programme["id"], me, "event.created", event_id)
    flash(_("The event was created and %(count)s invitations were sent.", count=count))
    return redirect(
        url_for(".event_page", programme_id=programme["id"], event_id=event_id), code=303
    )


def _page(programme: Any, event: Any, form: EventForm, status: int = 200) -> tuple[str, int]:
    conn = get_db()
    people = queries.invitees(conn, event["id"])
    return render_template(
        "communication/event.html",
        programme=programme,
        event=event,
        form=form,
        people=people,
        counts={
            answer: sum(1 for p in people if p["answer"] == answer)
            for answer in ("coming", "declined", None)
        },
        started=event["starts_at"] <= clock.iso(),
        events=events,
    ), status


@bp.get("/<event_id>")
@auth.organiser_required
def event_page(programme_id: str, event_id: str) -> tuple[str, int]:
    """One event: who is coming, attendance afterwards, change or cancel it."""
    programme, event = my_event(programme_id, event_id)
    return _page(programme, event, EventForm.of(event))


@bp.post("/<event_id>")
@auth.organiser_required
def update_event(programme_id: str, event_id: str) -> Response | tuple[str, int]:
    """Change an event: every invitee gets the update of the same calendar entry."""
    programme, event = my_event(programme_id, event_id)
    if event["cancelled_at"]:
        flash(_("This event was cancelled; it cannot be changed."))
        return redirect(url_for(".event_page", programme_id=programme_id, event_id=event_id), 303)
    form = EventForm()
    if not form.validate_on_submit():
        return _page(programme, event, form, 400)
    conn = get_db()
    with transaction(conn):
        queries.update_event(conn, event_id, form.fields())
        events.changed(conn, programme, event_id)
        audit.record(conn, programme["id"], auth.current_user()["id"], "event.changed", event_id)
    flash(_("The event was changed and everyone invited was sent the update."))
    return redirect(url_for(".event_page", programme_id=programme_id, event_id=event_id), 303)


@bp.post("/<event_id>/cancel")
@auth.organiser_required
def cancel_event(programme_id: str, event_id: str) -> Response:
    """Cancel an event: every invitee gets the cancellation of the calendar entry."""
    programme, _event = my_event(programme_id, event_id)
    conn = get_db()
    with transaction(conn):
        if queries.cancel_event(conn, event_id):
            events.cancelled(conn, programme, event_id)
            audit.record(
                conn, programme["id"], auth.current_user()["id"], "event.cancelled", event_id
            )
    flash(_("The event was cancelled and everyone invited was told."))
    return redirect(url_for(".event_page", programme_id=programme_id, event_id=event_id), 303)


@bp.post("/<event_id>/attendance")
@auth.organiser_required
def attendance(programme_id: str, event_id: str) -> Response:
    """Mark who attended; after an orientation, those who missed it get the self-study mail."""
    programme, event = my_event(programme_id, event_id)
    conn = get_db()
    invited = {p["user_id"] for p in queries.invitees(conn, event_id)}
    came = set(request.form.getlist("attended")) & invited
    if event["starts_at"] > clock.iso() or event["cancelled_at"]:
        flash(_("Attendance can be marked once the event has started."))
        return redirect(url_for(".event_page", programme_id=programme_id, event_id=event_id), 303)
    with transaction(conn):
        sent = events.record_attendance(conn, programme, event_id, came, auth.current_user()["id"])
    message = _("Attendance was saved.")
    if sent:
        message += " " + _(
            "%(count)s people who missed the orientation were sent the self-study material.",
            count=sent,
        )
    return fragments.after_post(
        "communication/_attendance.html",
        url_for(".event_page", programme_id=programme_id, event_id=event_id),
        message,
        programme=programme,
        event=queries.event(conn, event_id),
        people=queries.invitees(conn, event_id),
        events=events,
    )
