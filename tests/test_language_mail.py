"""Mail in the recipient's language, received at a real SMTP server: a Swedish programme's
invitations, acknowledgements and event reminders arrive in Swedish; a member who chose English
on their account gets English; an applicant writing in English gets English."""

from __future__ import annotations

import email.message
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from memberclient.client import Client
from memberclient.recruitment import Applicant
from tests.helpers import (
    MENTEE,
    MENTOR,
    ORGANISER,
    Pair,
    csrf_token,
    login_browserless,
    new_pair,
    sql,
)
from tests.support.recruiting import mentee_answers, recruiting_programme
from tests.support.smtp import SmtpReceiver as Receiver
from tests.support.smtp import plain_text
from workspace.core import clock, mail


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    yield
    clock.reset()


def _by_recipient(messages: list[email.message.EmailMessage]) -> dict[str, Any]:
    return {str(m["To"]): m for m in messages}


def _swedish(instance: Path, programme_id: str) -> None:
    sql(
        instance,
        "UPDATE programmes SET language = 'sv', name = 'Vårens mentorskap', "
        "controller = 'Mentorer i Vasa rf', privacy_contact = 'kontakt@example.org' WHERE id = ?",
        programme_id,
    )


def _choose_english(app: Flask) -> None:
    mentor = app.test_client()
    login_browserless(mentor, *MENTOR)
    token = csrf_token(mentor, "/account")
    answer = mentor.post("/account/language", data={"csrf_token": token, "language": "en"})
    assert answer.status_code == 303


def test_a_swedish_programmes_invitations_and_reminders_are_swedish_but_english_for_who_chose_it(
    app: Flask, pair: Pair, instance: Path
) -> None:
    _swedish(instance, pair.programme_id)
    _choose_english(app)
    org = app.test_client()
    login_browserless(org, *ORGANISER)
    with Receiver() as smtp:
        sender = smtp.sender(instance)
        mail.deliver_pending(sender)
        smtp.take()  # the fixture's own invitations
        # An invitation to join the Swedish programme.
        new_pair(app, pair.organiser, "sara@example.org", "sam@example.org", pair.programme_id)
        mail.deliver_pending(sender)
        invited = _by_recipient(smtp.take())
        assert str(invited["sara@example.org"]["Subject"]) == (
            "Inbjudan till Vårens mentorskap i Pairbook"
        )
        text = plain_text(invited["sam@example.org"])
        assert "Du har blivit inbjuden som adept i Vårens mentorskap." in text
        assert "Mentorer i Vasa rf" in text and "invited" not in text
        # An event: its invitation and its reminder.
        events = f"/organiser/programmes/{pair.programme_id}/events"
        day = (clock.now() + timedelta(days=10)).date().isoformat()
        answer = org.post(
            events,
            data={
                "csrf_token": csrf_token(org, events),
                "kind": "orientation",
                "title": "Introduktion",
                "day": day,
                "start": "17:30",
                "minutes": "90",
                "audience": "all",
                "place": "Biblioteket",
                "online_url": "",
                "description": "",
                "remind_days": "2",
            },
        )
        assert answer.status_code == 303, answer.get_data(as_text=True)[:400]
        mail.deliver_pending(sender)
        invitations = _by_recipient(smtp.take())
        assert str(invitations[MENTEE[0]]["Subject"]).startswith("Inbjudan: Introduktion")
        assert "klockan" in plain_text(invitations[MENTEE[0]]) or "kl." in plain_text(
            invitations[MENTEE[0]]
        )
        assert str(invitations[MENTOR[0]]["Subject"]).startswith("Invitation: Introduktion")
        # The answer link opens in the language of its mail.
        for who, lang in ((MENTEE[0], "sv"), (MENTOR[0], "en")):
            (link,) = re.findall(r"/rsvp/[A-Za-z0-9_-]+", plain_text(invitations[who]))
            page = app.test_client().get(link, headers={"Accept-Language": "fi"})
            assert f'<html lang="{lang}">' in page.get_data(as_text=True), who
        event_id = answer.headers["Location"].rsplit("/", 1)[-1]
        starts = sql(instance, "SELECT starts_at FROM events WHERE id = ?", event_id)[0][0]
        clock.travel(clock.parse(starts) - timedelta(days=2) + timedelta(hours=1) - clock.now())
        mail.run_jobs(sender)
        mail.deliver_pending(sender)
        reminders = _by_recipient([m for m in smtp.take() if "Introduktion" in str(m["Subject"])])
        assert str(reminders[MENTEE[0]]["Subject"]).startswith("Påminnelse: Introduktion")
        assert "påminnelse" in plain_text(reminders[MENTEE[0]]).lower()
        assert str(reminders[MENTOR[0]]["Subject"]).startswith("Reminder: Introduktion")
        assert "A reminder" in plain_text(reminders[MENTOR[0]])


def test_a_swedish_call_thanks_in_swedish_and_an_english_applicant_in_english(
    app: Flask, pair: Pair, instance: Path
) -> None:
    rec = recruiting_programme(app, pair.organiser, name="Vårens mentorskap", language="sv")
    page = app.test_client().get(f"/apply/{rec.slug}", headers={"Accept-Language": "fi"})
    assert '<html lang="sv">' in page.get_data(as_text=True)  # the programme's language
    with Receiver() as smtp:
        sender = smtp.sender(instance)
        mail.deliver_pending(sender)
        smtp.take()
        applicant = Applicant(Client.for_app(app))
        applicant.apply(rec.slug, "mentee", "ada@example.org", mentee_answers(), language="sv")
        Applicant(Client.for_app(app)).apply(
            rec.slug, "mentee", "bo@example.org", mentee_answers(), language="en"
        )
        mail.deliver_pending(sender)
        thanks = _by_recipient(smtp.take())
    assert (
        str(thanks["ada@example.org"]["Subject"]) == "Tack för din ansökan till Vårens mentorskap"
    )
    assert "Thank" not in plain_text(thanks["ada@example.org"])
    assert str(thanks["bo@example.org"]["Subject"]) == "Thank you for applying to Vårens mentorskap"
