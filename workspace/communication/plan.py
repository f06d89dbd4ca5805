"""The message plan: a ready-written mail for each stage of a programme, in Finnish and English,
filled in from the programme's own name, organisation and dates; editable per programme;
scheduled from the programme's dates or sent by hand; every send recorded (who, which stage,
when). A member who switched off messages from the organiser gets none of them.

`acknowledgement` is the plug for recruitment: the "acknowledgement" stage, once the programme
edits it, opens the mail an application is answered with."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from babel import dates as babel_dates
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workspace.accounts.queries import base_url
from workspace.communication import contact, links, notify_queries, plan_queries, queries
from workspace.communication.ics import HELSINKI
from workspace.core import clock, db, mail
from workspace.pairs import queries as pairs

Row = Any
# The stages in the order a programme meets them: (name, label, the date it is suggested for:
# which programme date and how many days from it; None: sent on an occasion, not a date).
STAGES: list[tuple[str, Any, tuple[str, int] | None]] = [
    ("acknowledgement", _l("Acknowledgement of a sign-up"), None),
    ("pair_found", _l("Pair found"), ("start_date", -21)),
    ("orientation_invite", _l("Invitation to orientation"), ("start_date", -14)),
    ("self_study", _l("Self-study orientation (for those who missed it)"), None),
    ("welcome", _l("Welcome, with materials"), ("start_date", 1)),
    ("midpoint", _l("Mid-point"), ("mid_date", -7)),
    ("closing", _l("Closing and feedback"), ("end_date", -14)),
    ("thank_you", _l("Thank you"), ("end_date", 1)),
]
STAGE_NAMES = tuple(s[0] for s in STAGES)
PLACEHOLDERS = (
    "name",
    "programme",
    "organisation",
    "organiser",
    "contact",
    "start",
    "mid",
    "end",
    "link",
)
_FIELD = re.compile(r"\{([a-z_]+)\}")


def label(stage: str) -> str:
    """A stage's name in the current language."""
    return str(next(s[1] for s in STAGES if s[0] == stage))


def suggested_date(programme: Any, stage: str) -> date | None:
    """The day the stage is suggested for, from the programme's dates."""
    rule = next(s[2] for s in STAGES if s[0] == stage)
    if rule is None:
        return None
    return date.fromisoformat(programme[rule[0]]) + timedelta(days=rule[1])


def _defaults(stage: str) -> tuple[str, str]:
    """The ready-written subject and body in the current locale."""
    texts = {
        "acknowledgement": (
            _("Thank you for applying to {programme}"),
            _("Thank you for applying to {programme}. We have received your application."),
        ),
        "pair_found": (
            _("Your mentoring pair has been found – {programme}"),
            _(
                "Hello {name},\n\nGood news: we have found you a pair in {programme}. You will "
                "get an invitation link to Pairbook, where you and your pair keep your own "
                "notebook that only the two of you can read.\n\nThe programme starts on {start}."
                " Before the first meeting, think about your goals and what you want to share."
            ),
        ),
        "orientation_invite": (
            _("Invitation to the orientation of {programme}"),
            _(
                "Hello {name},\n\nWelcome to the orientation of {programme}. At the orientation"
                " we go through how the programme works, how to prepare for the first meeting and"
                " how to keep each other safe.\n\nYou will get a separate calendar invitation "
                "with the time and place. If you cannot come, tell us: you will get the material"
                " to study on your own."
            ),
        ),
        "self_study": (
            _("Orientation material for {programme}"),
            _(
                "Hello {name},\n\nWe missed you at the orientation of {programme}. Here is what "
                "it covered, so that you can study it on your own:\n\n- Meet the first time in a"
                " public place.\n- Share your own contact details yourselves when you meet.\n- "
                "Agree the ground rules and write your mentoring agreement at the first meeting."
                "\n- Before each meeting, agree what it focuses on.\n\nThe programme runs from "
                "{start} to {end}. Contact us whenever you want to talk: {contact}"
            ),
        ),
        "welcome": (
            _("Welcome to {programme}"),
            _(
                "Hello {name},\n\nThank you for coming to the orientation. {programme} has now "
                "started. Sign in to Pairbook to find your notebook, the agreement template and "
                "tips for your meetings: {link}\n\nRemember that you can always contact the "
                "organiser: {contact}\n\nWe wish you a good mentoring journey!"
            ),
        ),
        "midpoint": (
            _("Half-way through {programme}"),
            _(
                "Hello {name},\n\n{programme} is half-way on {mid}. This is a good moment to look"
                " at your agreement and goals together and to fill in the mid-point evaluation "
                "in your notebook: {link}\n\nWe will also invite you to the mid-point meeting."
            ),
        ),
        "closing": (
            _("{programme} is coming to an end – your feedback, please"),
            _(
                "Hello {name},\n\n{programme} ends on {end}. Please write your final "
                "evaluation in the notebook, talk about what you learned and agree whether you "
                "keep in touch: {link}\n\nWe would be grateful for your feedback on the "
                "programme. We will also invite you to the closing event."
            ),
        ),
        "thank_you": (
            _("Thank you for taking part in {programme}"),
            _(
                "Hello {name},\n\nThank you for taking part in {programme}. Your time and "
                "openness made the mentoring possible.\n\nYou can still read and download your "
                "notebook for a while. We wish you all the best!"
            ),
        ),
    }
    return texts[stage]


def wording(
    conn: db.Connection, programme: Any, stage: str, language: str
) -> tuple[str, str, bool]:
    """The stage's subject and body with placeholders, and whether the programme edited it."""
    own = plan_queries.template(conn, programme["id"], stage, language)
    if own is not None:
        return own["subject"], own["body"], True
    with force_locale(language):
        subject, body = _defaults(stage)
    return subject, body, False


def unknown_placeholders(text: str) -> list[str]:
    """Placeholders in an edited text that the plan cannot fill in."""
    return sorted({m for m in _FIELD.findall(text) if m not in PLACEHOLDERS})


def _fill(text: str, values: dict[str, str]) -> str:
    return _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), text)


# Stages about the orientation: their `{link}` opens the orientation (public, no sign-in needed;
# a signed-in member finds their programme's own part from there), not the sign-in page.
ORIENTATION_STAGES = ("orientation_invite", "self_study")


def _values(
    conn: db.Connection, programme: Any, language: str, name: str, stage: str | None = None
) -> dict[str, str]:
    who = contact.sender(conn, programme)

    def day(key: str) -> str:
        return babel_dates.format_date(date.fromisoformat(programme[key]), "long", locale=language)

    return {
        "name": name or (_("participant")),
        "programme": programme["name"],
        "organisation": who["organisation"] or programme["name"],
        "organiser": who["organiser"],
        "contact": who["contact"],
        "start": day("start_date"),
        "mid": day("mid_date"),
        "end": day("end_date"),
        "link": f"{base_url()}/orientation"
        if stage in ORIENTATION_STAGES
        else f"{base_url()}/login",
    }


def compose(
    conn: db.Connection, programme: Any, stage: str, language: str, name: str = ""
) -> tuple[str, str]:
    """The mail of one stage as its recipient sees it: subject, and body with the footer that
    names the programme, the organisation and the organiser's contact."""
    subject, body, _own = wording(conn, programme, stage, language)
    return compose_text(conn, programme, language, subject, body, name, stage=stage)


def compose_text(
    conn: db.Connection,
    programme: Any,
    language: str,
    subject: str,
    body: str,
    name: str = "",
    *,
    stage: str | None = None,
) -> tuple[str, str]:
    """Any wording (an edit not saved yet, too) filled in and signed as `compose` does (the
    stage decides where `{link}` leads)."""
    with force_locale(language):
        values = _values(conn, programme, language, name, stage)
        footer = contact.footer(contact.sender(conn, programme))
    return _fill(subject, values), _fill(body, values) + "\n\n--\n" + footer


def acknowledgement(conn: db.Connection, programme: Any, language: str) -> tuple[str, str] | None:
    """The programme's own subject and opening for answering an application, filled in, or None
    while it uses the ready-written one. Recruitment adds the call's dates, the status link and
    the contact below it (an applicant's name is sealed, so `{name}` reads "participant")."""
    subject, body, own = wording(conn, programme, "acknowledgement", language)
    if not own:
        return None
    with force_locale(language):
        values = _values(conn, programme, language, "")
    return _fill(subject, values), _fill(body, values)


def send_stage_to(
    conn: db.Connection,
    programme: Any,
    stage: str,
    user_id: str,
    *,
    by: str | None,
    scheduled: bool = False,
) -> bool:
    """Queue one stage's mail to one member in their language and record it; nothing to a
    member who switched off messages from the organiser, and a scheduled stage once per
    person. Returns whether it was queued."""
    if not notify_queries.enabled(conn, user_id, "organiser_message"):
        return False
    person = next(
        (p for p in queries.participants(conn, programme["id"]) if p["id"] == user_id), None
    )
    if person is None:
        return False
    if not plan_queries.record_send(conn, programme["id"], stage, user_id, by, scheduled=scheduled):
        return False
    language = contact.member_language(conn, user_id, programme)
    subject, body = compose(conn, programme, stage, language, person["display_name"] or "")
    unsubscribe = links.unsubscribe_url(user_id, "organiser_message")
    with force_locale(language):
        body += "\n" + _("Stop messages like this: %(link)s", link=unsubscribe)
    who = contact.sender(conn, programme)
    mail.enqueue(
        conn,
        person["email"],
        subject,
        body,
        headers={"Reply-To": who["reply_to"], "List-Unsubscribe": f"<{unsubscribe}>"},
    )
    notify_queries.add(conn, user_id, "organiser_message", person["pair_id"], stage, mailed=True)
    return True


def send_stage(
    conn: db.Connection, programme: Any, stage: str, *, by: str | None, scheduled: bool = False
) -> int:
    """One stage to every current participant; return how many mails were queued."""
    return sum(
        send_stage_to(conn, programme, stage, p["id"], by=by, scheduled=scheduled)
        for p in queries.participants(conn, programme["id"])
    )


def today() -> str:
    """Today in Finland (the plan's days are Finnish days)."""
    return clock.now().astimezone(HELSINKI).date().isoformat()


def send_due(conn: db.Connection) -> int:
    """Every scheduled stage whose day has come, each person once; return how many mails."""
    sent = 0
    for row in plan_queries.due(conn, today()):
        with db.transaction(conn):
            programme = pairs.programme(conn, row["programme_id"])
            sent += send_stage(conn, programme, row["stage"], by=None, scheduled=True)
            plan_queries.mark_done(conn, row["programme_id"], row["stage"])
    return sent


def schedule_suggested(conn: db.Connection, programme: Any) -> int:
    """Schedule every dated stage for its suggested day, if that day is still ahead (a past
    day would send at once); return how many were scheduled."""
    count = 0
    for stage in STAGE_NAMES:
        day = suggested_date(programme, stage)
        if day is not None and day.isoformat() >= today():
            plan_queries.set_send_on(conn, programme["id"], stage, day.isoformat())
            count += 1
    return count
