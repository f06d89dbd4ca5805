"""Programme events: invitations with an .ics, updates and cancellations of the same calendar
entry, answer links that need no sign-in, reminders to everyone who has not declined (once),
attendance and the self-study orientation for those who missed it. Mail is only queued."""

from __future__ import annotations

from typing import Any

from babel import dates as babel_dates
from flask_babel import force_locale
from flask_babel import gettext as _

from workspace.accounts.queries import base_url
from workspace.communication import contact, ics, plan, queries
from workspace.core import clock, db, mail
from workspace.pairs import queries as pairs

Row = Any


def when(event: Any, language: str) -> str:
    """The event's date and time in Helsinki, as the language writes them."""
    start = ics.local_start(event)
    day = babel_dates.format_date(start, format="full", locale=language)
    time = babel_dates.format_time(start, format="short", tzinfo=ics.HELSINKI, locale=language)
    return _("%(day)s at %(time)s (Finnish time)", day=day, time=time)


def kind_label(kind: str) -> str:
    """The kind of event in words."""
    return {
        "orientation": _("Orientation"),
        "midpoint": _("Mid-point meeting"),
        "closing": _("Closing event"),
        "other": _("Event"),
    }[kind]


def audience_label(audience: str) -> str:
    """Who an event is for, in words."""
    return {
        "all": _("Mentors and mentees"),
        "mentors": _("Mentors"),
        "mentees": _("Mentees"),
    }[audience]


def _details(event: Any, language: str) -> list[str]:
    lines = [
        _("What: %(title)s", title=event["title"]),
        _("When: %(when)s", when=when(event, language)),
        _("Length: %(minutes)s minutes", minutes=event["minutes"]),
    ]
    if event["place"]:
        lines.append(_("Where: %(place)s", place=event["place"]))
    if event["online_url"]:
        lines.append(_("Online: %(link)s", link=event["online_url"]))
    lines.append(_("For: %(audience)s", audience=audience_label(event["audience"])))
    return lines


def _send(
    conn: db.Connection,
    programme: Any,
    event: Any,
    person: Any,
    kind: str,
) -> None:
    """One mail about the event to one invitee: kind is "invite", "update", "cancel" or
    "reminder"; all but a cancellation carry a fresh answer link."""
    language = contact.member_language(conn, person["user_id"], programme)
    who = contact.sender(conn, programme)
    token = (
        None if kind == "cancel" else queries.new_rsvp_link(conn, event["id"], person["user_id"])
    )
    with force_locale(language):
        subject = {
            "invite": _("Invitation: %(title)s – %(programme)s"),
            "update": _("Changed: %(title)s – %(programme)s"),
            "cancel": _("Cancelled: %(title)s – %(programme)s"),
            "reminder": _("Reminder: %(title)s – %(programme)s"),
        }[kind] % {"title": event["title"], "programme": programme["name"]}
        intro = {
            "invite": _("You are invited to an event of %(programme)s."),
            "update": _("An event of %(programme)s has changed. Here are the new details."),
            "cancel": _("This event of %(programme)s has been cancelled."),
            "reminder": _("A reminder: this event of %(programme)s is coming up soon."),
        }[kind] % {"programme": programme["name"]}
        parts = [intro, "\n".join(_details(event, language))]
        if event["description"]:
            parts.append(event["description"])
        if token:
            parts.append(
                _("Please tell the organiser whether you are coming (no sign-in needed):")
                + f"\n{base_url()}/rsvp/{token}"
            )
        if kind != "reminder":
            parts.append(
                _("The attached calendar file removes the event from your calendar.")
                if kind == "cancel"
                else _("The attached calendar file adds the event to your calendar.")
            )
        parts.append(contact.footer(who))
        body = "\n\n".join(parts)
        description = "\n".join([event["description"], contact.footer(who)]).strip()
    files = []
    if kind != "reminder":
        data = ics.invitation(
            event,
            method="CANCEL" if kind == "cancel" else "REQUEST",
            organiser_name=who["organiser"] or who["organisation"] or programme["name"],
            organiser_email=who["reply_to"] or "organiser@pairbook.invalid",
            attendee_email=person["email"],
            description=description,
        )
        method = "CANCEL" if kind == "cancel" else "REQUEST"
        files.append(mail.Attachment("invite.ics", "text/calendar", data, {"method": method}))
    mail.enqueue(
        conn,
        person["email"],
        subject,
        body,
        headers={"Reply-To": who["reply_to"]},
        attachments=files,
    )


def invite(conn: db.Connection, programme: Any, event_id: str) -> int:
    """Invite the event's audience (those not invited yet); return how many were invited."""
    event = queries.event(conn, event_id)
    count = 0
    for person in queries.participants(conn, programme["id"], event["audience"]):
        if queries.add_invitee(conn, event_id, person["id"], person["role"]):
            _send(
                conn,
                programme,
                event,
                {"user_id": person["id"], "email": person["email"]},
                "invite",
            )
            count += 1
    return count


def invite_newcomers(conn: db.Connection) -> int:
    """People who joined a programme's audience after its upcoming events were announced get
    their invitations too; return how many."""
    count = 0
    for event in queries.upcoming(conn, clock.iso()):
        with db.transaction(conn):
            count += invite(conn, pairs.programme(conn, event["programme_id"]), event["id"])
    return count


def changed(conn: db.Connection, programme: Any, event_id: str) -> None:
    """After a change: everyone already invited gets the update (same UID, higher SEQUENCE);
    people now in the audience who were not invited get the invitation."""
    event = queries.event(conn, event_id)
    for person in queries.invitees(conn, event_id):
        _send(conn, programme, event, person, "update")
    invite(conn, programme, event_id)


def cancelled(conn: db.Connection, programme: Any, event_id: str) -> None:
    """After a cancellation: every invitee gets METHOD:CANCEL for the same UID."""
    event = queries.event(conn, event_id)
    for person in queries.invitees(conn, event_id):
        _send(conn, programme, event, person, "cancel")


def send_reminders(conn: db.Connection) -> int:
    """Every reminder that is due, to each invitee who did not decline, once; return how many
    went. The caller holds no transaction: each event's reminders land together."""
    sent = 0
    for event in queries.due_reminders(conn, clock.iso()):
        with db.transaction(conn):
            programme = pairs.programme(conn, event["programme_id"])
            for person in queries.to_remind(conn, event["id"]):
                _send(conn, programme, event, person, "reminder")
                queries.mark_reminded(conn, event["id"], person["user_id"])
                sent += 1
            queries.mark_reminded(conn, event["id"])
    return sent


def record_attendance(
    conn: db.Connection, programme: Any, event_id: str, attended: set[str], by: str | None
) -> int:
    """Mark who came; after an orientation, those who missed it get the self-study orientation
    (once each). Returns how many self-study mails were queued."""
    queries.set_attendance(conn, event_id, attended)
    event = queries.event(conn, event_id)
    if event["kind"] != "orientation":
        return 0
    count = 0
    for person in queries.missed_without_self_study(conn, event_id):
        if plan.send_stage_to(conn, programme, "self_study", person["user_id"], by=by):
            count += 1
        queries.mark_self_study(conn, event_id, person["user_id"])
    return count


def answer_label(answer: str | None) -> str:
    """An invitee's answer in words."""
    return {"coming": _("Coming"), "declined": _("Not coming")}.get(answer or "", _("No answer"))
