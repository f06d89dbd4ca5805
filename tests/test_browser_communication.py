"""Browser: the next meeting's .ics is built in the page from the decrypted date and topic, and
no request carries it; the event, message-plan, notification-settings and answer pages are
axe-core clean at 320 px; the badge shows on My pairs and in the notebook; the group consent
works by htmx and without JavaScript."""

from __future__ import annotations

import re
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible
from tests.helpers import MENTEE, MENTOR, ORGANISER, Pair, outbox_texts
from tests.support.browser import Devices, Members
from tests.test_communication_events import create_event, organiser_client
from workspace.core import mail

pytestmark = pytest.mark.browser

TOPIC = "CanaryTopic-4471 interview practice"


def test_next_meeting_ics_is_built_in_the_page_and_no_request_carries_it(
    pair: Pair, members: Members, tmp_path: Path
) -> None:
    mentor, _mentee = members
    meeting = pair.mentee.add_entry(
        pair.id,
        "meeting",
        {"date": "2027-02-01", "theme": "CV", "next_date": "2027-03-04", "next_topic": TOPIC},
    )
    page = mentor.open(f"/meetings/{meeting.entry_id}")
    expect(page.locator("#meeting-next_topic")).to_have_value(TOPIC)
    mentor.sent.clear()
    button = page.get_by_role("button", name="Add the next meeting to my calendar")
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "next-meeting.ics"
    target = tmp_path / "next.ics"
    download.save_as(target)
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    event = next(iter(cal.walk("VEVENT")))
    assert event["DTSTART"].dt.isoformat() == "2027-03-04"
    assert TOPIC in str(event["SUMMARY"])
    assert str(event["UID"]) == f"next-meeting-{pair.id}-2027-03-04@pairbook.invalid"
    expect(page.locator("#calendar-status")).to_contain_text("calendar file was made")
    # Making the file sent nothing at all, and no request of the whole visit carried the
    # topic or the date in the clear.
    assert [s for s in mentor.sent if not s.url.startswith("blob:")] == []
    traffic = mentor.traffic()
    assert TOPIC not in traffic and "2027-03-04" not in traffic and "20270304" not in traffic
    # Without a date: the message says so at the button and focus goes to the date field.
    page.locator("#meeting-next_date").fill("")
    button.click()
    expect(page.locator("#calendar-status")).to_contain_text("date of the next meeting first")
    expect(page.locator("#meeting-next_date")).to_be_focused()
    assert_accessible(page)
    mentor.problems.assert_none()


def _organiser_phone(devices: Devices) -> object:
    phone = devices.open(width=320, height=640)
    phone.sign_in(*ORGANISER)
    phone.page.wait_for_url(re.compile(r".*/organiser.*"), timeout=30_000)
    return phone


def test_event_and_message_plan_pages_are_accessible_at_320(
    app: object, pair: Pair, devices: Devices
) -> None:
    event_id = create_event(organiser_client(app), pair)  # type: ignore[arg-type]
    phone = _organiser_phone(devices)
    page = phone.page  # type: ignore[attr-defined]
    base = f"/organiser/programmes/{pair.programme_id}"
    for path in (
        f"{base}/events",
        f"{base}/events/{event_id}",
        f"{base}/messages",
        f"{base}/messages/welcome/en",
        f"{base}/messages/welcome/send",
        f"{base}/group",
    ):
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        assert_accessible(page)
    # A bad event shows its errors at the fields, and the page stays accessible.
    page.goto(f"{base}/events")
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Create and send invitations").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)
    phone.shot("events-errors")  # type: ignore[attr-defined]
    assert phone.problems.forgive("400 (BAD REQUEST)")  # type: ignore[attr-defined]
    phone.problems.assert_none()  # type: ignore[attr-defined]


def test_settings_badge_rsvp_and_group_consent_for_a_member_at_320(
    app: object, pair: Pair, devices: Devices, instance: Path
) -> None:
    create_event(organiser_client(app), pair)  # type: ignore[arg-type]
    mail.deliver_pending(app)  # type: ignore[arg-type]
    pair.mentor.add_entry(pair.id, "agreement", {"goals": "x"})
    phone = devices.open(width=320, height=640, pair_id=pair.id)
    phone.sign_in(*MENTEE)
    page = phone.page
    page.wait_for_url(re.compile(r".*/pairs.*"), timeout=30_000)
    page.goto("/pairs")
    badge = page.locator(f"#badge-{pair.id}")
    expect(badge).to_be_visible()
    assert_accessible(page)
    badge.click()
    expect(page.locator("#notification-list")).to_contain_text("changed the agreement")
    assert_accessible(page)
    page.goto("/account/notifications")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    # Group consent by htmx: the fragment changes in place and says so.
    share = page.get_by_role("button", name=re.compile("Share my email with the group"))
    share.click()
    expect(page.locator(f"#group-{pair.programme_id}")).to_contain_text(
        "Your email is shared with the group."
    )
    withdraw = page.get_by_role("button", name=re.compile("Withdraw"))
    expect(withdraw).to_be_visible()
    assert_accessible(page)
    withdraw.click()
    expect(page.locator(f"#group-{pair.programme_id}")).to_contain_text("is not shared")
    # The answer link from the mail, without signing in, on another phone.
    links = []
    for path in sorted(instance.glob("outbox/*.eml")):
        links += re.findall(r"/rsvp/[A-Za-z0-9_-]+", path.read_text("utf-8", "replace"))
    anon = devices.open(width=320, height=640)
    anon.page.goto(links[-1])
    assert_accessible(anon.page)
    # It opens in the language of its mail: the programme's Finnish (the member chose none).
    assert anon.page.evaluate("document.documentElement.lang") == "fi"
    anon.page.get_by_role("button", name="Kyllä, tulen").click()
    expect(anon.page.locator("#rsvp-done")).to_be_visible()
    assert_accessible(anon.page)
    for device in (phone, anon):
        device.problems.assert_none()


def test_group_consent_works_without_javascript(pair: Pair, devices: Devices) -> None:
    phone = devices.open(javascript=False)
    # Without JavaScript there is no sign-in (keys are derived in the page): use a session
    # cookie made by the helper instead.
    phone.sign_in_with_cookie(*MENTOR)
    page = phone.page
    page.goto("/account/notifications")
    page.get_by_role("button", name=re.compile("Share my email with the group")).click()
    expect(page.locator(f"#group-{pair.programme_id}")).to_contain_text(
        "Your email is shared with the group."
    )
    expect(page.locator(".notice").first).to_contain_text("now shared")


def test_an_organisers_reply_shows_a_badge_and_leads_to_the_report(
    app: object, pair: Pair, devices: Devices, instance: Path
) -> None:
    pair.mentor.raise_flag(pair.id, "cancellations", "canary-browser-report-6610")
    flag = pair.organiser.programme_flags(pair.programme_id)[0]
    pair.organiser.reply_to_flag(pair.programme_id, flag, "canary-browser-reply-6611")
    phone = devices.open(width=320, height=640, pair_id=pair.id)
    phone.sign_in(*MENTOR)
    page = phone.page
    page.goto("/pairs")
    badge = page.locator(f"#badge-{pair.id}")
    expect(badge).to_be_visible()
    badge.click()
    item = page.locator("#notification-list li", has_text="The organiser replied to your report")
    expect(item).to_be_visible()
    assert "canary-browser" not in page.content()
    assert_accessible(page)
    item.get_by_role("link", name="Read the reply").click()
    page.wait_for_url(f"**/pairs/{pair.id}/report")
    mail.run_jobs(app)  # type: ignore[arg-type]
    mail.deliver_pending(app)  # type: ignore[arg-type]
    digest = [t for t in outbox_texts(instance) if t.startswith(f"To: {MENTOR[0]}")][-1]
    assert "/notifications" in digest and "canary-browser" not in digest
    # Marking all as read takes the badge away.
    page.goto("/notifications")
    page.get_by_role("button", name="Mark all as read").click()
    page.wait_for_url("**/pairs")
    expect(page.locator(f"#badge-{pair.id}")).to_have_count(0)
    phone.problems.assert_none()
