"""Applying from a phone (360×740), in Finnish and in English: every form error at its field in
the applicant's language before anything is sent, the answers sealed in the browser (canary
words in every answer field reach no request body, log, outbox file, mail or database table),
the acknowledgement over real SMTP with the call's dates and a working status link, withdraw and
delete; axe-core clean at 320 px and 1280 px."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.dates import format_date
from flask import Flask
from playwright.sync_api import expect

from memberclient.client import Client
from memberclient.recruitment import read_application
from tests.helpers import (
    PASSPHRASE,
    deliver_mail,
    everything_on_disk,
    new_organiser,
    outbox_texts,
    sql,
)
from tests.support.browser import Device, Devices, assert_accessible
from tests.support.recruiting import Recruiting, recruiting_programme
from tests.support.smtp import SmtpReceiver, plain_text
from workspace.core import mail

pytestmark = pytest.mark.browser

CANARIES = {
    "#a-name": "KanariNimi",
    "#a-field": "KanariAla",
    "#a-themes_other": "KanariTeema",
    "#a-place": "KanariPaikka",
    "#a-about": "KanariMinusta",
    "#a-q-q1": "KanariTyonantaja",
}
STATUS = re.compile(r"https?://[^\s]+/apply/status/[A-Za-z0-9_-]+")


class _Smtp(SmtpReceiver):
    """The SMTP server, delivering the queued mail through itself on demand."""

    def deliver(self, instance: Path, base_url: str) -> list[str]:
        """Send the queued mail through this server; return the plain text of each message."""
        sender = self.sender(instance, BASE_URL=base_url)
        with self:
            mail.deliver_pending(sender, now=True)
        return [plain_text(message) for message in self.received]


def _fill_everything(page: Any) -> None:
    for selector, text in CANARIES.items():
        page.fill(selector, f"{text} ja vähän muuta")
    page.check("#a-languages-1")
    page.check("#a-themes-5")
    page.check("#a-themes-9")
    page.check("#a-mode-2")
    page.check("#a-times-2")
    page.check("#a-q-q2-1")


def _programme(app: Flask, language: str) -> tuple[Client, Recruiting]:
    organiser = new_organiser(app)
    name = "Kevään mentorointi" if language == "fi" else "Spring mentoring"
    return organiser, recruiting_programme(app, organiser, name=name, language=language)


def test_an_applicant_applies_from_a_phone_in_finnish(
    app: Flask, instance: Path, live_server: str, phone: Device
) -> None:
    organiser, rec = _programme(app, "fi")
    page = phone.page
    page.goto(f"/apply/{rec.slug}")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    page.get_by_role("link", name="Hae aktoriksi").click()
    expect(page.locator("#apply-fields")).to_be_enabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Sending it empty: every required field says what is wrong, in Finnish; nothing is sent.
    page.get_by_role("button", name="Lähetä hakemus").click()
    expect(page.locator("#apply-errors")).to_be_visible()
    expect(page.locator("#apply-errors")).to_be_focused()
    expect(page.locator("#a-email-error")).to_have_text(re.compile("Kirjoita koko sähköposti"))
    expect(page.locator("#a-name-error")).to_have_text("Vastaa tähän kysymykseen.")
    expect(page.locator("#a-themes-error")).to_have_text("Valitse vähintään yksi.")
    expect(page.locator("#a-mode-error")).to_have_text("Valitse yksi.")
    expect(page.locator("#a-q-q1-error")).to_have_text("Vastaa tähän kysymykseen.")
    expect(page.locator("#a-privacy-error")).to_be_visible()
    expect(page.locator("#a-name")).to_have_attribute("aria-invalid", "true")
    assert page.locator("#a-about-error").is_hidden()  # optional
    assert not [s for s in phone.sent if s.method == "POST"]
    page.fill("#a-email", "ada.applicant@example.org")
    expect(page.locator("#a-email-error")).to_be_hidden()  # corrected: the error goes
    _fill_everything(page)
    page.check("#a-privacy")
    phone.shot("form-fi")
    page.get_by_role("button", name="Lähetä hakemus").click()
    expect(page.locator("#apply-received")).to_be_visible(timeout=30_000)
    expect(page.locator("#apply-received")).to_contain_text("Kiitos! Hakemuksesi on lähetetty.")
    phone.shot("received-fi")

    # The organiser opens what the phone sealed: every answer is there.
    (application_id,) = [r[0] for r in sql(instance, "SELECT id FROM applications")]
    answers = read_application(organiser, rec.programme_id, application_id)["answers"]
    assert answers["name"].startswith("KanariNimi") and answers["q:q1"].startswith("KanariTyo")
    assert answers["themes"] == ["cv", "other"] and answers["mode"] == "remote"
    assert answers["languages"] == ["fi"] and answers["q:q2"] == ["Kick-off"]

    # No answer reached the server in clear: not in any request, log, table or mail.
    smtp = _Smtp()
    texts = smtp.deliver(instance, live_server)
    traffic, disk = phone.traffic(), everything_on_disk(instance)
    for canary in CANARIES.values():
        assert canary not in traffic, canary
        assert canary not in disk, canary
        assert all(canary not in text for text in texts), canary
    assert "ada.applicant@example.org" in traffic  # the email is sent in clear, on purpose

    # The acknowledgement came over SMTP with the call's dates and a working status link.
    (ack,) = [t for t in texts if "ada.applicant@example.org" in t.split("\n")[0]]
    call = sql(instance, "SELECT closes_on, pairs_by, starts_on FROM calls WHERE role='mentee'")[0]
    for iso in call:
        assert format_date(date.fromisoformat(iso), "long", locale="fi") in ack
    assert "Jos sinulle ei tällä kertaa löydy paria" in ack
    link = STATUS.search(ack)
    assert link, ack
    page.goto(link.group(0))
    expect(page.locator("#application-status")).to_contain_text("Vastaanotettu")
    assert sql(instance, "SELECT confirmed_at FROM applications")[0][0] is not None
    assert_accessible(page)
    page.get_by_role("button", name="Peru hakemukseni").click()
    expect(page.locator("#application-status")).to_contain_text("Peruttu")
    assert sql(instance, "SELECT status FROM applications")[0][0] == "withdrawn"
    page.get_by_role("button", name="Poista hakemukseni nyt").click()
    expect(page.locator("#sure-error")).to_be_visible()
    page.get_by_label("Kyllä, poista hakemukseni").check()
    page.get_by_role("button", name="Poista hakemukseni nyt").click()
    expect(page.locator("h1")).to_have_text("Hakemuksesi on poistettu")
    for table in ("applications", "application_copies", "application_tokens"):
        assert sql(instance, f"SELECT count(*) FROM {table}")[0][0] == 0  # noqa: S608
    # The unticked delete was answered 400 with the page again, as asked.
    assert len(phone.problems.forgive("400 (BAD REQUEST)")) == 1
    phone.problems.assert_none()


def test_an_applicant_applies_from_a_phone_in_english(
    app: Flask, instance: Path, phone: Device
) -> None:
    organiser, rec = _programme(app, "en")
    page = phone.page
    page.goto(f"/apply/{rec.slug}/mentor")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#apply-fields")).to_be_enabled()
    page.fill("#a-email", "not an address")
    page.fill("#a-capacity", "9")
    page.get_by_role("button", name="Send application").click()
    expect(page.locator("#a-email-error")).to_have_text(
        "Write a whole email address, like name@example.org."
    )
    expect(page.locator("#a-capacity-error")).to_have_text("Write a whole number from 1 to 5.")
    expect(page.locator("#a-name-error")).to_have_text("Answer this question.")
    page.locator("#apply-error-list a").first.click()
    expect(page.locator("#a-email")).to_be_focused()
    page.fill("#a-email", "mentor.applicant@example.org")
    page.fill("#a-capacity", "2")
    _fill_everything(page)
    page.check("#a-privacy")
    page.get_by_role("button", name="Send application").click()
    expect(page.locator("#apply-received")).to_be_visible(timeout=30_000)
    expect(page.locator("#apply-received")).to_contain_text("Thank you! Your application was sent.")
    (application_id,) = [r[0] for r in sql(instance, "SELECT id FROM applications")]
    assert sql(instance, "SELECT language, role FROM applications")[0][:] == ("en", "mentor")
    opened = read_application(organiser, rec.programme_id, application_id)
    assert opened["answers"]["capacity"] == 2
    deliver_mail(app)  # to outbox files this time: they are checked too
    ack = outbox_texts(instance)[-1]
    assert "Thank you for applying as a mentor in Spring mentoring" in ack
    closes = sql(instance, "SELECT closes_on FROM calls WHERE role='mentor'")[0][0]
    assert format_date(date.fromisoformat(closes), "long", locale="en") in ack
    traffic, disk = phone.traffic(), everything_on_disk(instance)
    for canary in CANARIES.values():
        assert canary not in traffic and canary not in disk, canary
    # Applying again with the same address: confirmation by email, no duplicate.
    page.goto(f"/apply/{rec.slug}/mentor")
    expect(page.locator("#apply-fields")).to_be_enabled()
    page.fill("#a-email", "Mentor.Applicant@example.org")
    page.fill("#a-capacity", "1")
    _fill_everything(page)
    page.check("#a-privacy")
    page.get_by_role("button", name="Send application").click()
    expect(page.locator("#apply-confirm")).to_be_visible(timeout=30_000)
    assert sql(instance, "SELECT count(*) FROM applications")[0][0] == 1
    phone.problems.assert_none()


def test_a_closed_call_in_the_browser(app: Flask, instance: Path, phone: Device) -> None:
    _organiser, rec = _programme(app, "en")
    page = phone.page
    page.goto(f"/apply/{rec.slug}/mentee")
    expect(page.locator("#apply-fields")).to_be_enabled()
    sql(instance, "UPDATE calls SET state = 'closed'")
    page.fill("#a-email", "late@example.org")
    _fill_everything(page)
    page.check("#a-privacy")
    page.get_by_role("button", name="Send application").click()
    expect(page.locator("#apply-progress")).to_have_text(
        "This call is closed: applications are no longer taken."
    )
    assert sql(instance, "SELECT count(*) FROM applications")[0][0] == 0
    phone.problems.forgive("409")
    phone.problems.assert_none()


@pytest.mark.parametrize("width", [320, 1280])
def test_the_calls_page_and_the_form_are_accessible(
    app: Flask, devices: Devices, width: int
) -> None:
    _organiser, rec = _programme(app, "fi")
    device = devices.open(width=width, height=900, locale=None)
    page = device.page
    for path in (f"/apply/{rec.slug}", f"/apply/{rec.slug}/mentor", f"/apply/{rec.slug}/mentee"):
        page.goto(path)
        assert page.locator("h1").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
    expect(page.locator("#apply-fields")).to_be_enabled()
    page.get_by_role("button", name="Lähetä hakemus").click()
    expect(page.locator("#apply-errors")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    device.problems.assert_none()


def test_the_organiser_opens_and_closes_a_call_from_a_phone(app: Flask, phone: Device) -> None:
    organiser = new_organiser(app)
    rec = recruiting_programme(app, organiser, open_calls=False)
    page = phone.page
    phone.sign_in(
        "org@example.org", PASSPHRASE, next_page=f"/organiser/programmes/{rec.programme_id}"
    )
    page.locator("#recruitment-link").click()
    expect(page.locator("#call-mentee-state")).to_have_text("draft")
    expect(page.locator("#public-link")).to_have_value(re.compile(f"/apply/{rec.slug}$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    page.locator("#open-mentee").click()  # htmx swaps the card in place
    expect(page.locator("#call-mentee-state")).to_have_text("open")
    expect(page.locator("#call-mentee")).to_contain_text("The call is open.")
    expect(page.locator("#close-mentee")).to_be_visible()
    assert sql_state(app, rec) == "open"
    page.locator("#close-mentee").click()
    expect(page.locator("#call-mentee-state")).to_have_text("closed")
    page.locator("#edit-mentor").click()
    page.fill("#contact_email", "no address")
    page.fill("#questions-1-label", "Do you have a health condition we should know about?")
    page.get_by_role("button", name="Save the call").click()
    expect(page.locator("#contact_email-error")).to_be_visible()
    expect(page.locator("#questions-1-label-error")).to_contain_text("special-category")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    phone.problems.forgive("400 (BAD REQUEST)")
    phone.problems.assert_none()


def sql_state(app: Flask, rec: Recruiting) -> str:
    """The mentee call's state, read behind the app's back."""
    return sql(Path(app.instance_path), "SELECT state FROM calls WHERE role = 'mentee'")[0][0]
