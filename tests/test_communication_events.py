"""Events: an invitation received at a real SMTP server carries an .ics that icalendar parses
(Europe/Helsinki, UID, ORGANIZER, ATTENDEE); a change is an update of the same UID with a higher
SEQUENCE; a cancellation is METHOD:CANCEL; answers by a link without sign-in, a forged or reused
link changes nothing; reminders go once, only to those who did not decline; attendance sends
the self-study orientation to those who missed it."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import (
    MENTEE,
    MENTOR,
    ORGANISER,
    Pair,
    csrf_token,
    login_browserless,
    open_db,
    read_log,
    sql,
)
from tests.support.smtp import SmtpReceiver as Receiver
from workspace.core import clock, mail

_RSVP = re.compile(r"/rsvp/([A-Za-z0-9_-]+)")


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    yield
    clock.reset()


def english(client: FlaskClient) -> FlaskClient:
    """The client reads pages in English (the language switch's cookie)."""
    client.set_cookie("pb_lang", "en")
    return client


def organiser_client(app: Flask) -> FlaskClient:
    """The pair fixture's organiser, signed in as the browser signs in, reading English."""
    client = english(app.test_client())
    login_browserless(client, *ORGANISER)
    return client


def post(client: FlaskClient, path: str, data: dict[str, Any], page: str | None = None) -> Any:
    """A form post with the CSRF token of `page` (default: the posted path)."""
    token = csrf_token(client, page or path)
    return client.post(path, data={"csrf_token": token, **data})


def event_form(**changes: Any) -> dict[str, Any]:
    """A valid new-event form, ten days ahead."""
    day = (clock.now() + timedelta(days=10)).date().isoformat()
    return {
        "kind": "orientation",
        "title": "Orientation evening",
        "day": day,
        "start": "17:30",
        "minutes": "90",
        "audience": "all",
        "place": "Library, room 2",
        "online_url": "",
        "description": "Bring your questions.",
        "remind_days": "2",
        **changes,
    }


def create_event(org: FlaskClient, pair: Pair, **changes: Any) -> str:
    base = f"/organiser/programmes/{pair.programme_id}/events"
    answer = post(org, base, event_form(**changes))
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return answer.headers["Location"].rsplit("/", 1)[-1]


def calendar_of(message: email.message.EmailMessage) -> icalendar.Calendar:
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in message.iter_attachments()]
    content = parts[0].get_content()
    return icalendar.Calendar.from_ical(content if isinstance(content, bytes) else content.encode())


def vevent(cal: icalendar.Calendar) -> Any:
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 1
    return events[0]


def by_recipient(messages: list[email.message.EmailMessage]) -> dict[str, Any]:
    return {str(m["To"]): m for m in messages}


def test_invitation_update_and_cancellation_at_a_real_smtp_server(
    app: Flask, pair: Pair, instance: Path
) -> None:
    sql(
        instance,
        "UPDATE programmes SET controller = 'Helsinki Mentors ry', "
        "privacy_contact = 'olga@example.org' WHERE id = ?",
        pair.programme_id,
    )
    org = organiser_client(app)
    with Receiver() as smtp:
        sender = smtp.sender(instance)
        mail.deliver_pending(sender)
        smtp.take()  # the invitations to join
        event_id = create_event(org, pair)
        mail.deliver_pending(sender)
        invites = by_recipient(smtp.take())
        assert set(invites) == {MENTOR[0], MENTEE[0]}
        message = invites[MENTOR[0]]
        assert message["Reply-To"] == "olga@example.org"
        text = message.get_body(preferencelist=("plain",)).get_content()
        for named in ("Spring programme", "Helsinki Mentors ry", "olga@example.org", "Library"):
            assert named in text
        cal = calendar_of(message)
        assert cal["METHOD"] == "REQUEST"
        item = vevent(cal)
        uid = str(item["UID"])
        assert uid == f"{event_id}@pairbook.invalid"
        assert item["DTSTART"].params["TZID"] == "Europe/Helsinki"
        assert str(item["DTSTART"].dt.tzinfo) == "Europe/Helsinki"
        assert item["DTSTART"].dt.strftime("%H:%M") == "17:30"
        assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Helsinki"]
        assert str(item["ORGANIZER"]) == "mailto:olga@example.org"
        assert str(item["ATTENDEE"]) == f"mailto:{MENTOR[0]}"
        first_sequence = int(item["SEQUENCE"])

        # A change: the same UID, a higher SEQUENCE, to both.
        changed = post(
            org,
            f"/organiser/programmes/{pair.programme_id}/events/{event_id}",
            event_form(title="Orientation (new room)", start="18:00"),
        )
        assert changed.status_code == 303
        mail.deliver_pending(sender)
        updates = by_recipient(smtp.take())
        assert set(updates) == {MENTOR[0], MENTEE[0]}
        update = vevent(calendar_of(updates[MENTEE[0]]))
        assert calendar_of(updates[MENTEE[0]])["METHOD"] == "REQUEST"
        assert str(update["UID"]) == uid
        assert int(update["SEQUENCE"]) > first_sequence
        assert update["DTSTART"].dt.strftime("%H:%M") == "18:00"
        assert str(update["SUMMARY"]) == "Orientation (new room)"

        # A cancellation: METHOD:CANCEL for the same UID, higher SEQUENCE again.
        cancelled = post(
            org,
            f"/organiser/programmes/{pair.programme_id}/events/{event_id}/cancel",
            {},
            page=f"/organiser/programmes/{pair.programme_id}/events/{event_id}",
        )
        assert cancelled.status_code == 303
        mail.deliver_pending(sender)
        cancels = by_recipient(smtp.take())
        assert set(cancels) == {MENTOR[0], MENTEE[0]}
        cal = calendar_of(cancels[MENTOR[0]])
        assert cal["METHOD"] == "CANCEL"
        gone = vevent(cal)
        assert str(gone["UID"]) == uid
        assert int(gone["SEQUENCE"]) > int(update["SEQUENCE"])
        assert str(gone["STATUS"]) == "CANCELLED"


def _answers(instance: Path, event_id: str) -> dict[str, Any]:
    rows = sql(
        instance,
        "SELECT u.email, i.answer FROM event_invitees i JOIN users u ON u.id = i.user_id "
        "WHERE i.event_id = ?",
        event_id,
    )
    return {r["email"]: r["answer"] for r in rows}


def _rsvp_tokens(instance: Path) -> dict[str, str]:
    """The answer link in the latest mail to each address (read from the .eml files)."""
    tokens = {}
    for path in sorted(instance.glob("outbox/*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",)).get_content()
        found = _RSVP.findall(body)
        if found:
            tokens[str(message["To"])] = found[-1]
    return tokens


def test_rsvp_by_link_without_sign_in_forged_and_reused_change_nothing(
    app: Flask, pair: Pair, instance: Path
) -> None:
    org = organiser_client(app)
    event_id = create_event(org, pair)
    mail.deliver_pending(app)
    tokens = _rsvp_tokens(instance)
    anon = english(app.test_client())
    page = anon.get(f"/rsvp/{tokens[MENTOR[0]]}")
    assert page.status_code == 200
    assert "Orientation evening" in page.get_data(as_text=True)
    assert _answers(instance, event_id) == {MENTOR[0]: None, MENTEE[0]: None}

    # A forged link: 404 and nothing changes.
    forged = tokens[MENTOR[0]][:-2] + ("AA" if not tokens[MENTOR[0]].endswith("AA") else "BB")
    assert anon.get(f"/rsvp/{forged}").status_code == 404
    token = csrf_token(anon, f"/rsvp/{tokens[MENTEE[0]]}")
    assert (
        anon.post(f"/rsvp/{forged}", data={"csrf_token": token, "answer": "declined"}).status_code
        == 404
    )
    assert _answers(instance, event_id) == {MENTOR[0]: None, MENTEE[0]: None}

    # Without the CSRF token nothing changes either.
    assert anon.post(f"/rsvp/{tokens[MENTOR[0]]}", data={"answer": "coming"}).status_code == 400
    assert _answers(instance, event_id) == {MENTOR[0]: None, MENTEE[0]: None}

    # The mentor answers, without signing in.
    done = anon.post(f"/rsvp/{tokens[MENTOR[0]]}", data={"csrf_token": token, "answer": "coming"})
    assert done.status_code == 200 and "you are coming" in done.get_data(as_text=True)
    assert _answers(instance, event_id) == {MENTOR[0]: "coming", MENTEE[0]: None}

    # The same link again, with the other answer: used, nothing changes.
    again = anon.post(
        f"/rsvp/{tokens[MENTOR[0]]}", data={"csrf_token": token, "answer": "declined"}
    )
    assert again.status_code == 409
    assert "already been used" in again.get_data(as_text=True)
    assert _answers(instance, event_id) == {MENTOR[0]: "coming", MENTEE[0]: None}

    # The organiser sees who is coming.
    seen = org.get(f"/organiser/programmes/{pair.programme_id}/events/{event_id}")
    assert "1 coming, 0 not coming, 1 no answer yet" in seen.get_data(as_text=True)
    # No answer link reaches the logs.
    log = read_log(instance)
    assert tokens[MENTOR[0]] not in log and "/rsvp/" + tokens[MENTOR[0]] not in log


def _run_jobs(app: Flask) -> None:
    mail.run_jobs(app)


def test_reminders_go_once_and_only_to_those_who_did_not_decline(
    app: Flask, pair: Pair, instance: Path
) -> None:
    sql(instance, "UPDATE programmes SET language = 'en' WHERE id = ?", pair.programme_id)
    org = organiser_client(app)
    event_id = create_event(org, pair, remind_days="2")
    mail.deliver_pending(app)
    tokens = _rsvp_tokens(instance)
    anon = app.test_client()
    token = csrf_token(anon, f"/rsvp/{tokens[MENTEE[0]]}")
    anon.post(f"/rsvp/{tokens[MENTEE[0]]}", data={"csrf_token": token, "answer": "declined"})
    before = len(list(instance.glob("outbox/*.eml")))

    def reminders() -> list[str]:
        mail.deliver_pending(app)
        out = []
        for path in sorted(instance.glob("outbox/*.eml"))[before:]:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if str(message["Subject"]).startswith("Reminder"):
                out.append(str(message["To"]))
        return out

    starts = clock.parse(sql(instance, "SELECT starts_at FROM events WHERE id = ?", event_id)[0][0])
    clock.travel(starts - timedelta(days=2, hours=1) - clock.now())  # just over two days before
    _run_jobs(app)
    assert reminders() == []
    clock.travel(timedelta(hours=2))  # just under two days before
    _run_jobs(app)
    _run_jobs(app)
    assert reminders() == [MENTOR[0]]
    clock.travel(timedelta(hours=12))
    _run_jobs(app)
    assert reminders() == [MENTOR[0]], "a reminder goes once"


def test_attendance_sends_the_self_study_orientation_to_who_missed_it(
    app: Flask, pair: Pair, instance: Path
) -> None:
    sql(instance, "UPDATE programmes SET language = 'en' WHERE id = ?", pair.programme_id)
    event_id = create_event(organiser_client(app), pair)
    clock.travel(timedelta(days=11))
    org = organiser_client(app)  # signed in again: the session idled out meanwhile
    mentor_id = pair.mentor.user_id
    page = f"/organiser/programmes/{pair.programme_id}/events/{event_id}"
    answer = post(org, f"{page}/attendance", {"attended": [mentor_id]}, page=page)
    assert answer.status_code == 303
    mail.deliver_pending(app)
    subjects = []
    for path in sorted(instance.glob("outbox/*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        subjects.append((str(message["To"]), str(message["Subject"])))
    self_study = [to for to, subject in subjects if "Orientation material" in subject]
    assert self_study == [MENTEE[0]]
    # Saving attendance again sends nothing more.
    post(org, f"{page}/attendance", {"attended": [mentor_id]}, page=page)
    assert mail.deliver_pending(app) == 0
    conn = open_db(instance)
    try:
        rows = conn.execute(
            "SELECT COUNT(*) FROM message_sends WHERE stage = 'self_study'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert rows == 1


def test_people_added_later_are_invited_to_upcoming_events_once(
    app: Flask, pair: Pair, instance: Path
) -> None:
    from tests.helpers import new_pair

    event_id = create_event(organiser_client(app), pair)
    new_pair(app, pair.organiser, "m3@example.org", "e3@example.org", pair.programme_id)
    mail.run_jobs(app)
    mail.run_jobs(app)
    invited = sql(
        instance,
        "SELECT u.email FROM event_invitees i JOIN users u ON u.id = i.user_id "
        "WHERE i.event_id = ? ORDER BY u.email",
        event_id,
    )
    assert [r[0] for r in invited] == ["e3@example.org", "m3@example.org", MENTEE[0], MENTOR[0]]
    mail.deliver_pending(app)
    to_new = [
        p
        for p in instance.glob("outbox/*.eml")
        if "text/calendar" in p.read_text("utf-8", "replace")
        and "To: m3@example.org" in p.read_text("utf-8", "replace")
    ]
    assert len(to_new) == 1
