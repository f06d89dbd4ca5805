"""A tab switch in the notebook opens from what this device already opened (issue 18, finding 13):
the listing is asked only for what changed since, so a warm switch downloads no envelope when
nothing changed, and a partner's new entry still comes (and only it is opened). What is kept
between pages is encrypted at rest and goes at sign-out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.helpers import Pair
from tests.support.browser import KEYSTORE, Members
from workspace.core import clock

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    yield
    clock.reset()


def _listings(page: Any) -> list[Any]:
    """The notebook listings the page asks for from now on (their responses)."""
    seen: list[Any] = []

    def keep(response: Any) -> None:
        if response.request.method == "GET" and "/entries" in response.url:
            seen.append(response)

    page.on("response", keep)
    return seen


_KEPT = f"""async () => {{
  const ks = await import('{KEYSTORE}');
  const names = await ks.recordNames('opened:');
  const records = await Promise.all(names.map((n) => ks.getRecord(n)));
  return {{ names, ct: records.every((r) => r.ct instanceof Uint8Array),
           text: JSON.stringify(records.map((r) => ({{ ...r, ct: [...r.ct] }}))) }};
}}"""


def test_a_warm_tab_switch_fetches_no_envelope_and_picks_up_the_partners_entry(
    pair: Pair, members: Members
) -> None:
    pid = pair.id
    pair.mentor.add_entry(pid, "goal", {"title": "Find the hidden job market"})
    pair.mentor.add_entry(pid, "meeting", {"date": "2027-01-10", "theme": "CanaryTheme CV"})
    mentee = members.mentee
    page = mentee.page
    listings = _listings(page)
    mentee.open()  # cold: every entry comes sealed and is opened
    page.locator("body[data-notebook-kept=true]").wait_for(timeout=30_000)
    cold = listings[-1].json()
    assert "since=" not in listings[-1].url
    assert all(e["envelope"] is not None for e in cold["entries"]) and len(cold["entries"]) == 2
    # What is kept for the next page is encrypted: no body in the clear in IndexedDB.
    kept = page.evaluate(_KEPT)
    assert kept["names"] and kept["ct"]
    assert "CanaryTheme" not in kept["text"] and "hidden job" not in kept["text"]

    # Warm: another tab, nothing changed: no envelope comes, the page is drawn from what was kept.
    mentee.switch_tab("/meetings")
    warm = listings[-1]
    assert "since=" in warm.url
    assert [e["envelope"] for e in warm.json()["entries"]] == [None, None]
    card = page.locator("#meeting-list .meeting-card")
    expect(card).to_have_count(1)
    expect(card.locator(".meeting-title")).to_contain_text("CanaryTheme CV")
    asked = len(listings)

    # The partner writes a new meeting: the next switch brings it, and only it, sealed. (A
    # second later: stored times have whole seconds, and an entry changed in the very second of
    # the newest kept one comes without its envelope, so the page lists in full once more.)
    clock.travel(timedelta(seconds=1))
    pair.mentor.add_entry(pid, "meeting", {"date": "2027-01-24", "theme": "Interview practice"})
    mentee.switch_tab("/notebook")
    assert len(listings) == asked + 1  # one listing: nothing had to be asked again in full
    changed = listings[-1].json()["entries"]
    assert sorted(e["envelope"] is None for e in changed) == [False, True, True]
    mentee.switch_tab("/meetings")
    expect(page.locator("#meeting-list .meeting-card")).to_have_count(2)
    expect(page.locator("#meeting-list")).to_contain_text("Interview practice")
    assert [e["envelope"] for e in listings[-1].json()["entries"]] == [None, None, None]

    # An edit comes sealed at its new revision and is opened; the older kept copy is not used.
    (first,) = [e for e in pair.mentor.entries(pid) if e.type == "goal"]
    pair.mentor.edit_entry(pid, first, {"title": "Find the hidden job market, in Tampere"})
    mentee.switch_tab("/goals")
    expect(page.locator("main")).to_contain_text("in Tampere")
    # Sign-out takes the kept copies with the keys.
    page.evaluate(f"async () => (await import('{KEYSTORE}')).clearAll()")
    assert page.evaluate(_KEPT)["names"] == []
    mentee.problems.assert_none()
