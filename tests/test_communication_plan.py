"""The message plan: each stage's mail goes at its day (the clock driven), in the recipient's
language, exactly once, and nothing to a member who switched messages from the organiser off;
every send is recorded (who, which stage, when) without a copy of the mail; edits are checked
and previewed; the group-email list holds only those who opted in, withdrawing works at once."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask

from tests.helpers import MENTEE, MENTOR, PRIVACY, Pair, login_browserless, outbox_texts, sql
from tests.test_communication_events import english, organiser_client, post
from workspace.communication import plan
from workspace.core import clock, mail


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    yield
    clock.reset()


def _mails_to(instance: Path, address: str) -> list[str]:
    return [t for t in outbox_texts(instance) if t.startswith(f"To: {address}\n")]


def _member(app: Flask, who: tuple[str, str]) -> object:
    client = english(app.test_client())
    login_browserless(client, *who)
    return client


def test_each_stage_goes_at_its_day_once_in_the_recipients_language_not_to_who_opted_out(
    app: Flask, pair: Pair, instance: Path
) -> None:
    sql(
        instance,
        "UPDATE programmes SET controller = 'Mentors ry', privacy_contact = 'olga@example.org' "
        "WHERE id = ?",
        pair.programme_id,
    )
    # The mentor reads English; the mentee keeps the programme's Finnish.
    mentor = _member(app, MENTOR)
    answer = post(
        mentor,
        "/account/notifications",
        {"language": "en", **{k: "y" for k in ("agreement_waiting", "organiser_message")}},
    )
    assert answer.status_code == 303
    org = organiser_client(app)
    base = f"/organiser/programmes/{pair.programme_id}/messages"
    in_three_days = (clock.now() + timedelta(days=3)).date().isoformat()
    in_five_days = (clock.now() + timedelta(days=5)).date().isoformat()
    for stage, day in (("midpoint", in_three_days), ("closing", in_five_days)):
        saved = post(org, f"{base}/{stage}/schedule", {f"{stage}-send_on": day}, page=base)
        assert saved.status_code == 303, saved.get_data(as_text=True)
    mail.deliver_pending(app)
    before_mentor = len(_mails_to(instance, MENTOR[0]))
    before_mentee = len(_mails_to(instance, MENTEE[0]))

    def run() -> None:
        mail.run_jobs(app)
        mail.deliver_pending(app)

    run()
    assert len(_mails_to(instance, MENTOR[0])) == before_mentor, "not before its day"
    clock.travel(timedelta(days=3))
    run()
    run()
    mentor_mail = _mails_to(instance, MENTOR[0])[before_mentor:]
    mentee_mail = _mails_to(instance, MENTEE[0])[before_mentee:]
    assert len(mentor_mail) == 1 and len(mentee_mail) == 1, "exactly once"
    assert "Subject: Half-way through Spring programme" in mentor_mail[0]
    assert "Mentors ry" in mentor_mail[0] and "olga@example.org" in mentor_mail[0]
    assert "Half-way" not in mentee_mail[0]
    assert "Spring programme" in mentee_mail[0] and "Mentors ry" in mentee_mail[0]

    # The mentee switches messages from the organiser off: the closing stage skips them.
    mentee = _member(app, MENTEE)
    post(mentee, "/account/notifications", {"language": ""})
    clock.travel(timedelta(days=2))
    run()
    assert len(_mails_to(instance, MENTEE[0])) == before_mentee + 1
    closing = _mails_to(instance, MENTOR[0])[before_mentor + 1 :]
    assert len(closing) == 1 and "coming to an end" in closing[0]
    run()
    assert len(_mails_to(instance, MENTOR[0])) == before_mentor + 2

    # The record: who, which stage, when; no copy of the mail.
    rows = sql(
        instance,
        "SELECT s.stage, u.email, s.scheduled FROM message_sends s JOIN users u "
        "ON u.id = s.user_id ORDER BY s.id",
    )
    assert sorted(tuple(r) for r in rows) == sorted(
        [("midpoint", MENTEE[0], 1), ("midpoint", MENTOR[0], 1), ("closing", MENTOR[0], 1)]
    )
    columns = {r[1] for r in sql(instance, "PRAGMA table_info(message_sends)")}
    assert not columns & {"subject", "body"}
    org = organiser_client(app)  # the session idled out while the clock moved
    page = org.get(base).get_data(as_text=True)
    assert "Sent as scheduled" in page and "Nothing has been sent yet" not in page


def test_a_mail_plan_mail_has_reply_to_and_list_unsubscribe_that_works(
    app: Flask, pair: Pair, instance: Path
) -> None:
    org = organiser_client(app)
    base = f"/organiser/programmes/{pair.programme_id}/messages"
    confirm = org.get(f"{base}/welcome/send").get_data(as_text=True)
    assert "goes to 2 participants" in confirm and "Welcome to Spring programme" in confirm
    assert sql(instance, "SELECT COUNT(*) FROM message_sends")[0][0] == 0
    assert post(org, f"{base}/welcome/send", {}).status_code == 303
    mail.deliver_pending(app)
    import email
    import email.policy

    messages = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted(instance.glob("outbox/*.eml"))
    ]
    welcome = [m for m in messages if m["List-Unsubscribe"] and m["To"] == MENTOR[0]]
    assert len(welcome) == 1
    assert welcome[0]["Reply-To"] == PRIVACY["privacy_contact"]
    link = str(welcome[0]["List-Unsubscribe"]).strip("<>")
    path = link.split("127.0.0.1:5000", 1)[-1] if "127.0.0.1" in link else link
    path = "/" + path.split("/", 3)[-1] if path.startswith("http") else path
    anon = app.test_client()
    page = anon.get(path)
    assert page.status_code == 200
    from tests.helpers import csrf_token

    done = anon.post(path, data={"csrf_token": csrf_token(anon, path)})
    assert done.status_code == 200
    settings = sql(
        instance,
        "SELECT kind, enabled FROM notification_settings s JOIN users u ON u.id = s.user_id "
        "WHERE u.email = ?",
        MENTOR[0],
    )
    assert dict((r[0], r[1]) for r in settings)["organiser_message"] == 0
    # A forged unsubscribe link changes nothing and answers 404.
    assert anon.get(path[:-3] + "xyz").status_code == 404
    # By hand, again: the mentor who stopped these gets nothing; the record names the sender.
    confirm = org.get(f"{base}/welcome/send").get_data(as_text=True)
    assert "goes to 1 participant now" in confirm and "switched these messages off" in confirm
    assert post(org, f"{base}/welcome/send", {}).status_code == 303
    rows = sql(
        instance,
        "SELECT u.email, s.sent_by IS NOT NULL, s.scheduled FROM message_sends s JOIN users u "
        "ON u.id = s.user_id WHERE s.stage = 'welcome' ORDER BY s.id",
    )
    assert [tuple(r) for r in rows] == [
        (MENTEE[0], 1, 0),
        (MENTOR[0], 1, 0),
        (MENTEE[0], 1, 0),
    ]


def test_templates_are_ready_written_editable_checked_and_previewed(
    app: Flask, pair: Pair, instance: Path
) -> None:
    org = organiser_client(app)
    base = f"/organiser/programmes/{pair.programme_id}/messages"
    for language, words in (
        ("en", "Half-way through Spring programme"),
        ("fi", "Spring programme"),
    ):
        page = org.get(f"{base}/midpoint/{language}")
        assert page.status_code == 200
        assert words in page.get_data(as_text=True)
    bad = post(
        org,
        f"{base}/midpoint/en",
        {"subject": "Hi {nmae}", "body": "Text"},
    )
    assert bad.status_code == 400 and "{nmae}" in bad.get_data(as_text=True)
    assert sql(instance, "SELECT COUNT(*) FROM message_templates")[0][0] == 0
    good = post(
        org,
        f"{base}/midpoint/en",
        {"subject": "Mid-way, {name}!", "body": "We meet on {mid}. Ask {contact}."},
    )
    assert good.status_code == 303
    preview = org.get(f"{base}/midpoint/en").get_data(as_text=True)
    mid = date.fromisoformat(
        sql(instance, "SELECT mid_date FROM programmes WHERE id = ?", pair.programme_id)[0][0]
    )
    assert "Mid-way, Ali!" in preview  # a participant's name, as they see it
    assert f"{mid.day}, {mid.year}" in preview and PRIVACY["privacy_contact"] in preview
    assert "{mid}" in preview  # still in the edit box, filled in only in the preview
    for stage in plan.STAGE_NAMES:
        assert org.get(f"{base}/{stage}/fi").status_code == 200
    assert org.get(f"{base}/nope/fi").status_code == 404
    assert org.get(f"{base}/midpoint/de").status_code == 404


def test_group_email_list_only_the_opted_in_and_withdrawal_at_once(
    app: Flask, pair: Pair, instance: Path
) -> None:
    org = organiser_client(app)
    csv_path = f"/organiser/programmes/{pair.programme_id}/group.csv"

    def listed() -> list[list[str]]:
        rows = list(csv.reader(io.StringIO(org.get(csv_path).get_data(as_text=True))))
        return [[row[0], row[2]] for row in rows[1:]]

    assert listed() == []
    mentor = _member(app, MENTOR)
    path = f"/account/notifications/group/{pair.programme_id}"
    shared = post(mentor, path, {"share": "1"}, page="/account/notifications")
    assert shared.status_code == 303
    assert listed() == [["Maija", MENTOR[0]]]
    assert post(mentor, path, {"share": "0"}, page="/account/notifications").status_code == 303
    assert listed() == []
    # Someone else's programme is not found.
    other = post(mentor, f"{path}x", {"share": "1"}, page="/account/notifications")
    assert other.status_code == 404


HTMX = {"HX-Request": "true", "HX-Current-URL": "http://localhost/"}


def test_group_consent_fragment_both_ways(app: Flask, pair: Pair) -> None:
    mentor = _member(app, MENTOR)
    path = f"/account/notifications/group/{pair.programme_id}"
    from tests.helpers import csrf_token

    token = csrf_token(mentor, "/account/notifications")
    fragment = mentor.post(path, data={"csrf_token": token, "share": "1"}, headers=HTMX)
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text
    assert f'id="group-{pair.programme_id}"' in text and "now shared" in text
    assert 'id="announce"' in text or "announce" in text
    plain = mentor.post(path, data={"csrf_token": token, "share": "0"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith(
        f"#group-{pair.programme_id}"
    )


def test_attendance_fragment_both_ways(app: Flask, pair: Pair, instance: Path) -> None:
    from tests.helpers import csrf_token
    from tests.test_communication_events import create_event

    event_id = create_event(organiser_client(app), pair)
    clock.travel(timedelta(days=11))
    org = organiser_client(app)
    page = f"/organiser/programmes/{pair.programme_id}/events/{event_id}"
    token = csrf_token(org, page)
    assert 'id="attendance"' in org.get(page).get_data(as_text=True)
    fragment = org.post(
        f"{page}/attendance",
        data={"csrf_token": token, "attended": [pair.mentor.user_id, pair.mentee.user_id]},
        headers=HTMX,
    )
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text
    assert text.count('id="attendance"') == 1 and "Attendance was saved." in text
    plain = org.post(f"{page}/attendance", data={"csrf_token": token})
    assert plain.status_code == 303
    rows = sql(instance, "SELECT attended FROM event_invitees WHERE event_id = ?", event_id)
    assert [r[0] for r in rows] == [0, 0]
