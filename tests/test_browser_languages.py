"""The member's pages in Swedish and in plain Finnish on a 320 px phone: chosen with the language
picker, every page in that language, axe-clean and without horizontal scrolling (Swedish and
Finnish words are long)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.helpers import MENTEE, Pair, new_pair
from tests.support.browser import NOTEBOOK_QUIET, Devices, assert_accessible

pytestmark = pytest.mark.browser

# The language picker's button and the `lang` a screen reader gets.
LANGUAGES = {"sv": ("Svenska", "sv"), "fi@selko": ("Selkosuomi", "fi")}


def _skip_link(language: str) -> str:
    from babel.messages.pofile import read_po

    from tests.test_languages import TRANSLATIONS

    with (TRANSLATIONS / language / "LC_MESSAGES/messages.po").open("rb") as fh:
        return read_po(fh).get("Skip to content").string


def _fits_and_is_accessible(page: object, path: str, lang: str, skip: str) -> None:
    expect(page.locator("h1").first).to_be_visible()  # type: ignore[attr-defined]
    assert page.evaluate("document.documentElement.lang") == lang, path  # type: ignore[attr-defined]
    expect(page.locator("a.skip-link")).to_have_text(skip)  # type: ignore[attr-defined]
    width = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert width <= 320, f"{path} is {width} px wide"
    assert_accessible(page)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_members_pages_in_swedish_and_plain_finnish_at_320(
    pair: Pair, devices: Devices, app: object, language: str
) -> None:
    button, lang = LANGUAGES[language]
    skip = _skip_link(language)
    pair.mentor.add_entry(pair.id, "agreement", {"goals": "Hakea töitä"})
    pair.mentor.add_entry(pair.id, "meeting", {"schema": 1, "notes": "Ensimmäinen tapaaminen"})
    setup = new_pair(
        app, pair.organiser, "uusi@example.org", "toinen@example.org", pair.programme_id
    )  # type: ignore[arg-type]

    # Someone invited, before they have an account: the picker, then the join page.
    visitor = devices.open(width=320, height=640)
    page = visitor.page
    page.goto("/words")
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("button", name=button)).to_have_attribute("aria-pressed", "true")
    for path in ("/words", setup.mentee_link):
        page.goto(path)
        _fits_and_is_accessible(page, path, lang, skip)
    visitor.problems.assert_none()

    # A member, signed in on their phone, chooses the language on their account page.
    phone = devices.open(width=320, height=640, pair_id=pair.id, quiet=NOTEBOOK_QUIET)
    phone.sign_in(*MENTEE)
    page = phone.page
    page.goto("/account")
    page.locator("#language").select_option(language)
    page.locator("#language").locator("xpath=ancestor::form").locator("button[type=submit]").click()
    expect(page.locator("#language")).to_have_value(language)
    assert page.evaluate("document.documentElement.lang") == lang
    notebook = f"/pairs/{pair.id}/notebook"
    for path in (
        "/account",
        "/account/data",
        "/words",
        f"/pairs/{pair.id}",
        notebook,
        f"{notebook}/meetings",
        f"{notebook}/agreement",
        f"{notebook}/goals",
        f"{notebook}/evaluation",
        f"/pairs/{pair.id}/sharing",
        f"/pairs/{pair.id}/report",
    ):
        page.goto(path)
        if path.startswith(notebook):
            phone.wait_ready()
        _fits_and_is_accessible(page, path, lang, skip)
        phone.shot(path.strip("/").replace("/", "-") or "home")
    phone.problems.assert_none()
