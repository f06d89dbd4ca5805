"""The member's side: notification settings and the group-email consent (account page), what
waits for them, their events; and the two links from mail that need no sign-in: answering an
event invitation, and stopping a kind of mail."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from workspace.accounts import queries as accounts
from workspace.accounts import sessions as auth
from workspace.communication import (
    contact,
    events,
    jobs,
    links,
    notifications,
    notify_queries,
    queries,
)
from workspace.communication.forms import SettingsForm
from workspace.communication.ics import HELSINKI
from workspace.core import clock, fragments, i18n, mail
from workspace.core.db import get_db, transaction
from workspace.core.jsonapi import not_found
from workspace.pairs import queries as pairs

bp = Blueprint("communication", __name__)


def _waiting(pair_id: str | None = None) -> int:
    """How many things wait for the signed-in member (in one pair, if given): the badge."""
    user = auth.current_user()
    if user is None or user["role"] != "member":
        return 0
    return len(notify_queries.unseen(get_db(), user["id"], pair_id))


def _local_date(value: str | date | None) -> str:
    """A stored day or moment as the current language writes a date (moments in Finnish time)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = (
            clock.parse(value).astimezone(HELSINKI).date()
            if "T" in value
            else date.fromisoformat(value)
        )
    return format_date(value, "medium")


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    mail.add_job(state.app, jobs.run_due)
    state.app.add_template_global(_waiting, "comm_waiting")
    state.app.add_template_filter(_local_date, "comm_date")


def _member() -> Any:
    user = auth.current_user()
    if user["role"] != "member":
        not_found()
    return user


def _settings_page(form: SettingsForm, status: int = 200) -> tuple[str, int]:
    conn = get_db()
    user = auth.current_user()
    programmes = queries.member_programmes(conn, user["id"])
    return render_template(
        "communication/settings.html",
        form=form,
        kinds=notify_queries.KINDS,
        groups=[
            {"programme": g, "shared": notify_queries.group_consent(conn, g["id"], user["id"])}
            for g in programmes
        ],
    ), status


@bp.get("/account/notifications")
@auth.login_required
def settings() -> tuple[str, int]:
    """Which notifications the member gets, the language of their mail, group-email consent."""
    user = _member()
    conn = get_db()
    current = notify_queries.settings(conn, user["id"])
    form = SettingsForm(
        data={**current, "language": notify_queries.mail_language(conn, user["id"]) or ""}
    )
    return _settings_page(form)


@bp.post("/account/notifications")
@auth.login_required
def save_settings() -> Response | tuple[str, int]:
    """Save the switches and the mail language."""
    user = _member()
    form = SettingsForm()
    if not form.validate_on_submit():
        return _settings_page(form, 400)
    conn = get_db()
    with transaction(conn):
        notify_queries.save_settings(
            conn, user["id"], {kind: bool(form[kind].data) for kind in notify_queries.KINDS}
        )
        notify_queries.set_mail_language(conn, user["id"], form.language.data or None)
    flash(_("Your notification settings were saved."))
    return redirect(url_for(".settings"), code=303)


@bp.post("/account/notifications/group/<programme_id>")
@auth.login_required
def group_consent(programme_id: str) -> Response:
    """Share (or stop sharing) my email with the programme's participant group; at once."""
    user = _member()
    conn = get_db()
    programme = next(
        (g for g in queries.member_programmes(conn, user["id"]) if g["id"] == programme_id), None
    )
    if programme is None:
        not_found()
    share = request.form.get("share") == "1"
    with transaction(conn):
        notify_queries.record_group_consent(conn, programme_id, user["id"], share)
    message = (
        _("Your email is now shared with the group of %(name)s.", name=programme["name"])
        if share
        else _(
            "Your email is not shared with the group of %(name)s any more.", name=programme["name"]
        )
    )
    return fragments.after_post(
        "communication/_group_consent.html",
        url_for(".settings") + f"#group-{programme_id}",
        message,
        item={"programme": programme, "shared": share},
    )


@bp.get("/notifications")
@auth.login_required
def waiting() -> str:
    """What waits for me, with a way to each place."""
    user = _member()
    return render_template(
        "communication/notifications.html",
        items=notify_queries.unseen(get_db(), user["id"]),
        label=notifications.label,
    )


@bp.post("/notifications/seen")
@auth.login_required
def mark_seen() -> Response:
    """Everything on the list is seen (the badges go)."""
    user = _member()
    conn = get_db()
    with transaction(conn):
        notify_queries.mark_seen(conn, user["id"])
    flash(_("Marked as read."))
    return redirect(url_for("pairs.pairs"), code=303)


@bp.get("/events")
@auth.login_required
def my_events() -> str:
    """The events I am invited to, with my answer."""
    user = _member()
    return render_template(
        "communication/my_events.html",
        rows=queries.member_events(get_db(), user["id"]),
        events=events,
        now=clock.iso(),
    )


@bp.post("/events/<event_id>/answer")
@auth.login_required
def answer(event_id: str) -> Response:
    """Change my answer while signed in."""
    user = _member()
    conn = get_db()
    event = queries.event(conn, event_id)
    if event is None or queries.invitee(conn, event_id, user["id"]) is None:
        not_found()
    choice = request.form.get("answer")
    if (
        choice not in ("coming", "declined")
        or event["cancelled_at"]
        or event["starts_at"] <= clock.iso()
    ):
        flash(_("Nothing was changed: this event cannot be answered any more."))
        return redirect(url_for(".my_events"), code=303)
    with transaction(conn):
        queries.set_answer(conn, event_id, user["id"], choice)
    flash(_("Your answer was saved."))
    return redirect(url_for(".my_events"), code=303)


def _rsvp_page(token: str, row: Any, status: int = 200, done: str | None = None) -> tuple[str, int]:
    """The answer page, in the language its invitation mail was in unless the visitor chose."""
    conn = get_db()
    event = queries.event(conn, row["event_id"])
    programme = pairs.programme(conn, event["programme_id"])
    language = i18n.normalise(request.cookies.get(i18n.LANG_COOKIE)) or (
        contact.member_language(conn, row["user_id"], programme) if programme else "fi"
    )
    with force_locale(language):
        page = render_template(
            "communication/rsvp.html",
            token=token,
            event=event,
            link=row,
            done=done,
            open=row["used_at"] is None
            and not event["cancelled_at"]
            and event["starts_at"] > clock.iso(),
            events=events,
            current_language=language,
        )
    return page, status


@bp.get("/rsvp/<token>")
def rsvp(token: str) -> tuple[str, int]:
    """An invitation's answer link (no sign-in): the event and the two answers."""
    row = queries.rsvp_link(get_db(), token)
    if row is None:
        not_found()
    return _rsvp_page(token, row)


@bp.post("/rsvp/<token>")
def rsvp_answer(token: str) -> tuple[str, int]:
    """Record the answer once; a used, forged or expired link changes nothing."""
    conn = get_db()
    row = queries.rsvp_link(conn, token)
    if row is None:
        not_found()
    choice = request.form.get("answer")
    event = queries.event(conn, row["event_id"])
    if choice not in ("coming", "declined"):
        return _rsvp_page(token, row, 400)
    if event["cancelled_at"] or event["starts_at"] <= clock.iso():
        return _rsvp_page(token, row, 409)
    with transaction(conn):
        used = queries.use_rsvp_link(conn, token, choice)
    row = queries.rsvp_link(conn, token)
    if not used:
        return _rsvp_page(token, row, 409)
    return _rsvp_page(token, row, 200, done=choice)


def _unsubscribe_kinds(kind: str) -> list[str]:
    return list(notify_queries.KINDS) if kind == "all" else [kind]


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str) -> str:
    """A mail's "stop messages like this" link: says what it stops, asks to confirm."""
    found = links.read_unsubscribe(token)
    if found is None or (found[1] != "all" and found[1] not in notify_queries.KINDS):
        not_found()
    return render_template(
        "communication/unsubscribe.html",
        token=token,
        kinds=[notifications.label(k) for k in _unsubscribe_kinds(found[1])],
        done=False,
    )


@bp.post("/unsubscribe/<token>")
def unsubscribe_confirm(token: str) -> str:
    """Switch the kind (or every notification) off for the member the link names."""
    found = links.read_unsubscribe(token)
    if found is None or (found[1] != "all" and found[1] not in notify_queries.KINDS):
        not_found()
    user_id, kind = found
    conn = get_db()
    if accounts.user_by_id(conn, user_id) is None:
        not_found()
    with transaction(conn):
        choices = notify_queries.settings(conn, user_id)
        for k in _unsubscribe_kinds(kind):
            choices[k] = False
        notify_queries.save_settings(conn, user_id, choices)
    return render_template(
        "communication/unsubscribe.html",
        token=token,
        kinds=[notifications.label(k) for k in _unsubscribe_kinds(kind)],
        done=True,
    )
