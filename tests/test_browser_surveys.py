"""Browser: the mid-point survey goes at its day (the clock driven, over a real SMTP server),
six members answer it on their phones, one reminder goes to the two who did not; a dropped
connection loses nothing and saves nothing twice; the organiser's results page opens the
answers on the organiser's device, shows the counts and hides a choice picked by fewer than
five; canary words typed into every answer field are in no request, log, mail or table; the
member's survey page and the organiser's pages are axe-core clean at 320 px; the long-term
survey reaches a member whose pair ended by a link, without an account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from memberclient.surveys import answer_survey
from tests.conftest import assert_accessible
from tests.helpers import ORGANISER, everything_on_disk, read_log, sql
from tests.support.browser import Device, Devices
from tests.support.smtp import SmtpReceiver, plain_text
from tests.survey_support import (
    LINK,
    cohort,
    member_email,
    member_password,
    mid_date,
    run_jobs,
    survey_id,
    travel_to,
)
from workspace.core import clock, mail
from workspace.surveys import definitions

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    yield
    clock.reset()


def canary(n: int, field: str) -> str:
    return f"Canary{field}{n}x7Q"


TEXT_FIELDS = ("q2", "q6", "q7")  # goals, feedback, wishes of the mid-point survey


def _answer(device: Device, n: int, *, sign: bool = False) -> None:
    page = device.page
    for qid in TEXT_FIELDS:
        page.locator(f"#s-{qid}").fill(canary(n, qid))
    page.locator("#s-q1-4").check()
    page.locator("#s-q3-3").check()
    page.locator("#s-q4-o1").check()  # every one of the six: shown
    if n == 1:
        page.locator("#s-q4-o2").check()  # only one: hidden
    page.locator("#s-q5-o3").check()
    if sign:
        page.locator("#survey-sign").check()


def _send(device: Device) -> None:
    device.page.get_by_role("button", name="Send my answers").click()
    expect(device.page.locator("#survey-thanks")).to_be_visible(timeout=30_000)


def _wait_for_draft(device: Device, sid: str) -> None:
    """Until the page has kept its (encrypted) draft on the device."""
    check = (
        "async () => { const m = await import('/static/js/storage/keystore.js');"
        f" return (await m.getRecord('draft:survey:{sid}')) !== null; }}"
    )
    for _ in range(100):
        if device.page.evaluate(check):
            return
        device.page.wait_for_timeout(50)
    raise AssertionError("no draft was kept")


def _mails(received: list[Any]) -> dict[str, str]:
    return {str(m["To"]): plain_text(m) for m in received}


def test_midpoint_survey_sent_answered_in_the_browser_reminded_and_opened_by_the_organiser(
    app: Any, devices: Devices, instance: Path
) -> None:
    c = cohort(app, 4)
    sql(instance, "UPDATE programmes SET language = 'en' WHERE id = ?", c.programme_id)
    run_jobs(app)
    with SmtpReceiver() as smtp:
        sender = smtp.sender(instance)
        mail.deliver_pending(sender)
        smtp.take()
        travel_to(mid_date(instance, c.programme_id))
        mail.run_jobs(sender)
        mail.deliver_pending(sender)
        sent = _mails(smtp.take())
        assert len(sent) == 8
        sid = survey_id(instance, c.programme_id, "midpoint")
        paths = {}
        for address, text in sent.items():
            assert "Mid-point survey of Spring programme" in text
            assert "Questions? Contact the organiser: " in text
            paths[address] = LINK.search(text).group(1)
            assert paths[address] == f"/surveys/{sid}"

        answerers = [member_email(r, n) for n in (1, 2, 3) for r in ("mentor", "mentee")]
        phones = []
        for i, address in enumerate(answerers, start=1):
            phone = devices.open(width=320 if i == 1 else 360)
            phone.sign_in_with_cookie(address, member_password(address))
            phone.page.goto(paths[address])
            expect(phone.page.locator("#survey-fields")).to_be_enabled(timeout=30_000)
            if i == 1:
                assert_accessible(phone.page)
                # Typed, then the page is lost: the draft comes back (locked on the device).
                phone.page.locator("#s-q2").fill("half written")
                _wait_for_draft(phone, sid)
                phone.page.reload()
                expect(phone.page.locator("#s-q2")).to_have_value("half written", timeout=10_000)
            _answer(phone, i, sign=i == 2)
            if i == 1:
                # The connection drops after the server stored the answer: the page keeps the
                # answers and the same answer id, and a second press is not a second answer.
                def drop(route: Any) -> None:
                    route.fetch()
                    route.abort()

                phone.page.route("**/api/v1/surveys/*/answers", drop, times=1)
                phone.page.get_by_role("button", name="Send my answers").click()
                expect(phone.page.locator("#survey-progress")).to_contain_text(
                    "offline", timeout=30_000
                )
                phone.problems.forgive("Failed to load resource")
                assert phone.page.locator("#s-q2").input_value() == canary(1, "q2")
            _send(phone)
            if i == 1:
                phone.shot("answered")
                assert_accessible(phone.page)
            phones.append(phone)
        assert sql(instance, "SELECT COUNT(*) FROM survey_answers")[0][0] == 6
        # Answering again: a clear page, no form.
        phones[0].page.goto(paths[answerers[0]])
        expect(phones[0].page.locator("#survey-answered")).to_be_visible()
        assert phones[0].page.locator("#survey-form").count() == 0

        # One reminder, seven days on, only to the two who did not answer; never a second.
        travel_to(mid_date(instance, c.programme_id) + timedelta(days=7))
        mail.run_jobs(sender)
        mail.deliver_pending(sender)
        reminded = _mails(smtp.take())
        assert sorted(reminded) == sorted(member_email(r, 4) for r in ("mentor", "mentee"))
        assert all("Reminder" in t for t in reminded.values())
        travel_to(mid_date(instance, c.programme_id) + timedelta(days=20))
        mail.run_jobs(sender)
        mail.deliver_pending(sender)
        assert smtp.take() == []
        smtp_texts = "\n".join(raw.decode("utf-8", "replace") for raw in smtp.raw)

    # The end survey at the end date, answered by five (from Python, as the browser seals).
    end = date.fromisoformat(
        sql(instance, "SELECT end_date FROM programmes WHERE id = ?", c.programme_id)[0][0]
    )
    travel_to(end)
    run_jobs(app)
    end_id = survey_id(instance, c.programme_id, "end")
    for address in answerers[:5]:
        member = c.members[address]
        member.login(address, member_password(address))
        answer_survey(member, end_id, {"q2": 4, "q5": ["o1", "o4"], "q9": "Thanks"})

    # The organiser: the survey area, the editor and the results, opened on this device.
    org = devices.open(width=320)
    org.sign_in(*ORGANISER)
    base = f"/organiser/programmes/{c.programme_id}/surveys"
    org.page.goto(base)
    expect(org.page.locator("#survey-midpoint-counts")).to_contain_text("6 answered of 8")
    assert_accessible(org.page)
    org.page.goto(f"{base}/midpoint/questions")
    assert_accessible(org.page)
    for page in ("questions/q4", "questions/q4/remove"):
        org.page.goto(f"{base}/midpoint/{page}")
        assert_accessible(org.page)
    org.page.goto(f"{base}/midpoint/questions")
    # Reordering by htmx: the list is swapped in place, and back.
    first = org.page.locator("#survey-questions > li.card").first
    org.page.locator("#move-down-q1").click()
    expect(first).to_have_attribute("id", "question-q2")
    org.page.locator("#move-up-q1").click()
    expect(first).to_have_attribute("id", "question-q1")
    org.page.goto(f"{base}/midpoint/results")
    body = org.page.locator("#results-body")
    expect(body).to_contain_text(definitions.QUESTIONS["mid_themes"][2].__str__(), timeout=30_000)
    expect(org.page.locator("#results-status")).to_contain_text("6 answers were opened")
    theme_text = str(definitions.QUESTIONS["mid_themes"][2])
    themes = org.page.locator(
        "#results-body table", has=org.page.locator("caption", has_text=theme_text)
    )
    expect(themes).to_contain_text("fewer than 5")
    # Six answered the question (the count shown); the choice picked by one is hidden in every
    # column, as is whatever would give it away (the results module's secondary suppression).
    expect(themes.locator("tr.survey-total td").first).to_have_text("6")
    rules = themes.locator("tr", has_text=str(definitions.OPTIONS["worklife"]))
    expect(rules.locator("td")).to_have_count(3)
    for cell in rules.locator("td").all():
        expect(cell).to_have_text("fewer than 5")
    expect(body).to_contain_text(canary(1, "q6"))  # the written answers, from five
    expect(org.page.locator("#signed-list")).to_contain_text("Mentee 1")
    assert_accessible(org.page)
    org.shot("results")
    with org.page.expect_download() as download:
        org.page.locator("#results-csv").click()
    csv_text = Path(download.value.path()).read_text("utf-8")
    assert "fewer than 5" in csv_text
    org.page.goto(f"{base}/compare")
    compared = org.page.locator("#results-body")
    # The comparable questions only, the mid-point's wording, both surveys side by side.
    expect(compared).to_contain_text(str(definitions.QUESTIONS["mid_themes"][2]), timeout=30_000)
    expect(compared).not_to_contain_text(str(definitions.QUESTIONS["mid_meetings"][2]))
    expect(compared.locator("table").first).to_contain_text("Mid-point")
    expect(compared.locator("table").first).to_contain_text("End")
    expect(org.page.locator("#results-status")).to_contain_text("11 answers were opened")
    assert_accessible(org.page)

    # Canaries: in no request any browser sent, no log, mail, outbox file or table.
    traffic = "\n".join(d.traffic() for d in devices)
    disk = everything_on_disk(instance)
    for n in range(1, 7):
        for qid in TEXT_FIELDS:
            word = canary(n, qid)
            assert word not in traffic, word
            assert word not in disk, word
            assert word not in smtp_texts, word
    assert "half written" not in traffic and "half written" not in disk
    for device in devices:
        device.problems.assert_none()


def test_long_term_survey_by_link_after_the_pair_ended_without_an_account(
    app: Any, devices: Devices, instance: Path
) -> None:
    c = cohort(app, 1)
    sql(instance, "UPDATE programmes SET language = 'en' WHERE id = ?", c.programme_id)
    run_jobs(app)
    sql(instance, "UPDATE pairs SET ended_at = '2020-01-01T00:00:00Z' WHERE id = ?", c.pair_ids[0])
    # The mentee never finished joining: no usable account either way.
    sql(instance, "UPDATE pair_members SET accepted_at = NULL WHERE role = 'mentee'")
    end = date.fromisoformat(
        sql(instance, "SELECT end_date FROM programmes WHERE id = ?", c.programme_id)[0][0]
    )
    travel_to(end + timedelta(days=definitions.LONGTERM_DAYS))
    mail.deliver_pending(app)
    with SmtpReceiver() as smtp:
        sender = smtp.sender(instance)
        mail.run_jobs(sender)
        mail.deliver_pending(sender)
        sent = _mails(smtp.take())
    mentee = sent[member_email("mentee", 1)]
    assert "Long-term follow-up of Spring programme" in mentee or "long-term" in mentee.lower()
    assert "no sign-in needed" in mentee
    link = LINK.search(mentee).group(1)
    assert link.startswith("/survey/")
    phone = devices.open(width=320)  # never signed in
    phone.page.goto(link)
    expect(phone.page.locator("#survey-fields")).to_be_enabled(timeout=30_000)
    assert_accessible(phone.page)
    # Mentee-only and shared questions; not the mentors' ones.
    expect(phone.page.locator("#s-q2-field")).to_contain_text("own field")
    phone.page.locator("#s-q1-o1").check()
    phone.page.locator("#s-q5").fill(canary(9, "lt"))
    phone.page.get_by_role("button", name="Send my answers").click()
    expect(phone.page.locator("#survey-thanks")).to_be_visible(timeout=30_000)
    phone.page.goto(link)
    expect(phone.page.locator("#survey-used")).to_be_visible()
    assert_accessible(phone.page)
    phone.problems.forgive("410")
    assert sql(instance, "SELECT COUNT(*) FROM survey_answers")[0][0] == 1
    assert canary(9, "lt") not in phone.traffic()
    assert canary(9, "lt") not in everything_on_disk(instance)
    token = link.rsplit("/", 1)[1]
    assert token not in read_log(instance)
    phone.problems.assert_none()
