"""Sending the surveys through the message plan's machinery: at its day (or by hand) each
survey goes to everyone who has been a member of the programme's pairs, in their language,
named for the programme and signed with the organiser's contact; members of a pair that goes on
answer in the app, the rest by a single-use link. Exactly one reminder goes, `reminder_days`
later, only to those who have not answered. Run by the mail sender's jobs, never in a request
(except "Send now", which only queues)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _

from workspace.accounts.queries import DEV_URL, base_url
from workspace.communication import contact, links, notify_queries
from workspace.communication import queries as comm
from workspace.core import db, logs, mail
from workspace.pairs import queries as pairs
from workspace.surveys import definitions, queries

LINK_DAYS = 60  # a single-use link is good this long after its mail


def in_app(person: Any) -> bool:
    """Whether a recipient answers in the app (joined, pair going on) or by a link."""
    return bool(person["accepted_at"]) and not person["ended"]


def _answer_url(conn: db.Connection, survey: Any, person: Any) -> str:
    if in_app(person):
        return f"{base_url()}/surveys/{survey['id']}"
    expires = (date.fromisoformat(queries.today()) + timedelta(days=LINK_DAYS)).isoformat()
    return f"{base_url()}/survey/{queries.new_link(conn, survey['id'], person['id'], expires)}"


def _mail(conn: db.Connection, programme: Any, survey: Any, person: Any, *, reminder: bool) -> None:
    language = contact.member_language(conn, person["id"], programme)
    who = contact.sender(conn, programme)
    url = _answer_url(conn, survey, person)
    unsubscribe = links.unsubscribe_url(person["id"], "organiser_message")
    with force_locale(language):
        name = str(definitions.LABELS[survey["kind"]])
        values = {
            "name": person["display_name"] or _("participant"),
            "survey": name.lower() if language == "en" else name,
            "programme": programme["name"],
        }
        title = {**values, "survey": name}
        if reminder:
            subject = _("Reminder: %(survey)s of %(programme)s", **title)
            opening = _(
                "Hello %(name)s,\n\nA reminder: we would still like to hear how %(programme)s "
                "has gone for you. The %(survey)s takes about five minutes.",
                **values,
            )
        else:
            subject = _("%(survey)s of %(programme)s – your answers, please", **title)
            opening = _(
                "Hello %(name)s,\n\nWe would like to hear how %(programme)s has gone for you. "
                "The %(survey)s takes about five minutes.",
                **values,
            )
        privacy = _(
            "Your answers are sealed on your device so that only the organisers of the "
            "programme can open them, and they see them without your name unless you choose "
            "to sign them."
        )
        where = (
            _("Answer here (sign in first): %(link)s", link=url)
            if in_app(person)
            else _("Answer here (no sign-in needed; the link works once): %(link)s", link=url)
        )
        body = f"{opening}\n\n{where}\n\n{privacy}\n\n--\n{contact.footer(who)}\n"
        body += _("Stop messages like this: %(link)s", link=unsubscribe)
    mail.enqueue(
        conn,
        person["email"],
        subject,
        body,
        headers={"Reply-To": who["reply_to"], "List-Unsubscribe": f"<{unsubscribe}>"},
    )


def send_survey(conn: db.Connection, programme: Any, survey: Any) -> int:
    """Queue the survey to every member not sent it yet (nothing to those who switched off
    messages from the organiser); return how many mails. Caller holds the transaction."""
    day = queries.today()
    count = 0
    for person in queries.recipients(conn, programme["id"]):
        if not notify_queries.enabled(conn, person["id"], "organiser_message"):
            continue
        if not queries.record_send(conn, survey["id"], person["id"], person["role"], day):
            continue
        _mail(conn, programme, survey, person, reminder=False)
        count += 1
    queries.mark_sent(conn, survey["id"], day)
    return count


def remind(conn: db.Connection, programme: Any, survey: Any) -> int:
    """The one reminder, to those sent the survey who have not answered; return how many."""
    people = {p["id"]: p for p in queries.recipients(conn, programme["id"])}
    count = 0
    for send in queries.to_remind(conn, survey["id"]):
        person = people.get(send["user_id"])
        queries.mark_member_reminded(conn, survey["id"], send["user_id"])
        if person is None or not notify_queries.enabled(conn, person["id"], "organiser_message"):
            continue
        _mail(conn, programme, survey, person, reminder=True)
        count += 1
    queries.mark_reminded(conn, survey["id"], queries.today())
    return count


def send_due(conn: db.Connection) -> tuple[int, int]:
    """Every survey whose day has come and every reminder due: (mails sent, reminders)."""
    for programme in comm.programmes_with_members(conn):
        with db.transaction(conn):
            queries.ensure_surveys(conn, programme)
    today = queries.today()
    sent = reminded = 0
    for survey in queries.due(conn, today):
        with db.transaction(conn):
            sent += send_survey(conn, pairs.programme(conn, survey["programme_id"]), survey)
    for survey in queries.due_reminders(conn, today):
        with db.transaction(conn):
            reminded += remind(conn, pairs.programme(conn, survey["programme_id"]), survey)
    return sent, reminded


def run_due(app: Flask, conn: db.Connection) -> None:
    """The surveys' mail job (registered with `core.mail.add_job`)."""
    base = app.config.get("BASE_URL") or DEV_URL
    with app.test_request_context(base_url=base):
        sent, reminded = send_due(conn)
    if sent or reminded:
        logs.event("surveys.due", sent=sent, reminded=reminded)
