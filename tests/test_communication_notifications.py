"""Member notifications: the agreement-waiting, organiser-reply and quiet-pair nudges arrive (a
badge and at most one digest a day), hold no notebook or report content (canaries), and each
kind can be switched off; and every organiser route of communication answers 404 to another
programme's organiser and to members."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from tests.helpers import (
    MENTEE,
    MENTOR,
    PRIVACY,
    Pair,
    everything_on_disk,
    login_browserless,
    new_organiser,
    new_pair,
    outbox_texts,
    sql,
)
from tests.test_communication_events import create_event, english, organiser_client, post
from workspace.core import clock, mail

CANARY_AGREEMENT = "canary-agreement-5521 find work in logistics"
CANARY_REPORT = "canary-report-8814 my partner never shows up"
CANARY_REPLY = "canary-reply-3307 I will call you on Monday"


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    yield
    clock.reset()


def _digests(instance: Path, address: str) -> list[str]:
    return [
        t
        for t in outbox_texts(instance)
        if t.startswith(f"To: {address}\n") and "/notifications" in t
    ]


def _run(app: Flask) -> None:
    mail.run_jobs(app)
    mail.deliver_pending(app)


def _badge(app: Flask, who: tuple[str, str], path: str) -> str:
    client = english(app.test_client())
    login_browserless(client, *who)
    return client.get(path).get_data(as_text=True)


def test_agreement_and_reply_notifications_arrive_without_content(
    app: Flask, pair: Pair, instance: Path
) -> None:
    sql(instance, "UPDATE programmes SET language = 'en' WHERE id = ?", pair.programme_id)
    _run(app)  # the partner-joined digest of the fixture's joining
    before = len(_digests(instance, MENTEE[0]))
    pair.mentor.add_entry(pair.id, "agreement", {"goals": CANARY_AGREEMENT})
    # A badge on My pairs and in the notebook for the mentee, none for the mentor.
    assert 'id="badge-' in _badge(app, MENTEE, "/pairs")
    assert f'id="badge-{pair.id}"' in _badge(app, MENTEE, f"/pairs/{pair.id}/notebook")
    assert "changed the agreement" not in _badge(app, MENTOR, "/notifications")
    _run(app)
    digests = _digests(instance, MENTEE[0])[before:]
    assert len(digests) == 1
    assert "changed the agreement and waits for your confirmation" in digests[0]
    assert "Spring programme" in digests[0] and PRIVACY["privacy_contact"] in digests[0]

    # The mentee's second thing within a day waits for tomorrow's digest: one a day.
    entry = pair.mentor.entries(pair.id, ("agreement",))[0]
    pair.mentee.confirm(pair.id, entry)
    pair.mentor.edit_entry(pair.id, entry, {"goals": CANARY_AGREEMENT + " v2"})
    _run(app)
    assert len(_digests(instance, MENTEE[0])[before:]) == 1

    # The mentor reports a problem; the organiser replies: the mentor hears a reply waits.
    pair.mentor.raise_flag(pair.id, "cancellations", CANARY_REPORT)
    flag = pair.organiser.programme_flags(pair.programme_id)[0]
    pair.organiser.reply_to_flag(pair.programme_id, flag, CANARY_REPLY)
    page = _badge(app, MENTOR, "/notifications")
    assert "The organiser replied to your report" in page
    assert f'id="badge-{pair.id}"' in _badge(app, MENTOR, "/pairs")
    clock.travel(timedelta(hours=25))
    _run(app)
    mentor_digests = _digests(instance, MENTOR[0])
    assert "The organiser replied to your report" in mentor_digests[-1]
    assert "Spring programme" in mentor_digests[-1]

    disk = everything_on_disk(instance)
    for canary in (CANARY_AGREEMENT, CANARY_REPORT, CANARY_REPLY):
        assert canary not in disk
        assert not any(canary in t for t in outbox_texts(instance))


def test_quiet_pair_nudge_from_metadata_once_per_quiet_spell(
    app: Flask, pair: Pair, instance: Path
) -> None:
    sql(instance, "UPDATE programmes SET language = 'en' WHERE id = ?", pair.programme_id)
    pair.mentor.add_entry(pair.id, "meeting", {"schema": 1, "notes": "canary-meeting-1200"})
    _run(app)
    before = {who: len(_digests(instance, who)) for who in (MENTOR[0], MENTEE[0])}
    clock.travel(timedelta(weeks=2))
    _run(app)
    assert {w: len(_digests(instance, w)) for w in before} == before
    clock.travel(timedelta(weeks=1, days=1))
    _run(app)
    for who in before:
        new = _digests(instance, who)[before[who] :]
        assert len(new) == 1 and "No meeting has been logged for a while" in new[0]
        assert "canary-meeting-1200" not in new[0]
    # The next day: no second nudge for the same quiet spell.
    clock.travel(timedelta(days=1))
    _run(app)
    assert all(len(_digests(instance, w)) == before[w] + 1 for w in before)
    # Nothing reaches the organiser.
    assert not [t for t in outbox_texts(instance) if t.startswith("To: org@example.org")][1:]


def test_a_kind_switched_off_is_neither_badged_nor_mailed(
    app: Flask, pair: Pair, instance: Path
) -> None:
    _run(app)
    mentee = app.test_client()
    login_browserless(mentee, *MENTEE)
    kinds = ("partner_joined", "organiser_reply", "organiser_message", "quiet_pair")
    answer = post(mentee, "/account/notifications", {"language": "", **{k: "y" for k in kinds}})
    assert answer.status_code == 303
    before = len(_digests(instance, MENTEE[0]))
    pair.mentor.add_entry(pair.id, "agreement", {"goals": "x"})
    assert 'id="badge-' not in mentee.get("/pairs").get_data(as_text=True)
    _run(app)
    assert len(_digests(instance, MENTEE[0])) == before
    page = mentee.get("/account/notifications").get_data(as_text=True)
    boxes = {m.group(1): m.group(0) for m in re.finditer(r'<input[^>]*name="(\w+)"[^>]*>', page)}
    assert "checked" not in boxes["agreement_waiting"]
    assert "checked" in boxes["quiet_pair"]


def test_every_organiser_route_is_404_for_other_programmes_organisers_and_members(
    app: Flask, pair: Pair, instance: Path
) -> None:
    owner = organiser_client(app)
    event_id = create_event(owner, pair)
    new_pair(app, new_organiser(app, "other@example.org"), "m2@example.org", "e2@example.org")
    other = app.test_client()
    login_browserless(other, "other@example.org", "correct horse battery staple 42")
    mentor = app.test_client()
    login_browserless(mentor, *MENTOR)
    p = f"/organiser/programmes/{pair.programme_id}"
    gets = [
        f"{p}/events",
        f"{p}/events/{event_id}",
        f"{p}/messages",
        f"{p}/messages/midpoint/fi",
        f"{p}/messages/midpoint/send",
        f"{p}/group",
        f"{p}/group.csv",
    ]
    posts = [
        f"{p}/events",
        f"{p}/events/{event_id}",
        f"{p}/events/{event_id}/cancel",
        f"{p}/events/{event_id}/attendance",
        f"{p}/messages/suggested",
        f"{p}/messages/midpoint/schedule",
        f"{p}/messages/midpoint/send",
        f"{p}/messages/midpoint/fi",
        f"{p}/messages/midpoint/fi/reset",
    ]
    from tests.helpers import csrf_token

    for client in (other, mentor):
        token = csrf_token(client, "/account")
        for path in gets:
            assert client.get(path).status_code == 404, path
        for path in posts:
            assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    # The owner's event reached through another programme's address is not found either.
    other_programme = sql(instance, "SELECT id FROM programmes WHERE id != ?", pair.programme_id)[
        0
    ][0]
    assert (
        owner.get(f"/organiser/programmes/{other_programme}/events/{event_id}").status_code == 404
    )
    # Nothing changed: the event stands, nothing was sent or scheduled.
    assert sql(instance, "SELECT cancelled_at FROM events")[0][0] is None
    assert sql(instance, "SELECT COUNT(*) FROM message_sends")[0][0] == 0
    assert sql(instance, "SELECT COUNT(*) FROM message_schedule")[0][0] == 0


def test_evaluation_nudge_near_the_mid_point_once_and_not_after_writing_it(
    app: Flask, pair: Pair, instance: Path
) -> None:
    mid = sql(instance, "SELECT mid_date FROM programmes WHERE id = ?", pair.programme_id)[0][0]
    days = (clock.parse(f"{mid}T09:00:00Z") - clock.now()).days

    def nudged() -> list[str]:
        rows = sql(
            instance,
            "SELECT u.email FROM notifications n JOIN users u ON u.id = n.user_id "
            "WHERE n.kind = 'evaluation_due' ORDER BY u.email",
        )
        return [r[0] for r in rows]

    clock.travel(timedelta(days=days - 9))
    mail.run_jobs(app)
    assert nudged() == []
    # The mentee has written their evaluation lately: only the mentor is nudged.
    pair.mentee.login(*MENTEE)  # the session idled out while the clock moved
    pair.mentee.add_entry(pair.id, "evaluation", {"how": "fine"})
    clock.travel(timedelta(days=3))
    mail.run_jobs(app)
    mail.run_jobs(app)
    assert nudged() == [MENTOR[0]]
