"""Signed confirmations (docs/PROTOCOL.md §7.1): a confirmation the server invents, moves to
another member or keeps from an older revision is not shown as confirmed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import assert_accessible
from tests.helpers import Pair, sql
from tests.support.browser import Members

pytestmark = pytest.mark.browser


def test_a_confirmation_the_server_forges_is_not_shown(
    pair: Pair,
    members: Members,
    instance: Path,
) -> None:
    mentor, mentee = members
    pid = pair.id
    agreement = pair.mentee.add_entry(pid, "agreement", {"goals": "Find work in IT"})
    pair.mentor.confirm(pid, agreement)
    assert pair.mentee.verified_confirmations(pid) == {(agreement.entry_id, pair.mentor.user_id, 1)}
    # The server claims the mentee confirmed too, with the mentor's signature copied over.
    sql(
        instance,
        "INSERT INTO confirmations (entry_id, user_id, revision, envelope_sha, sig, confirmed_at) "
        "SELECT entry_id, ?, revision, envelope_sha, sig, confirmed_at FROM confirmations "
        "WHERE user_id = ?",
        pair.mentee.user_id,
        pair.mentor.user_id,
    )
    listed = {(c["user_id"], c["revision"]) for c in pair.mentee.notebook(pid)["confirmations"]}
    assert (pair.mentee.user_id, 1) in listed  # the server does list it...
    assert pair.mentee.verified_confirmations(pid) == {
        (agreement.entry_id, pair.mentor.user_id, 1)
    }  # ...and the client does not believe it
    # The mentor's page says the mentee's listed confirmation does not count, and why.
    for member, mine, theirs in ((mentee, "false", "true"), (mentor, "true", "unchecked")):
        page = member.open("/agreement")
        assert page.locator(".confirm-me").get_attribute("data-confirmed") == mine
        assert page.locator(".confirm-partner").get_attribute("data-confirmed") == theirs
        assert not page.locator(".confirm-both").is_visible()
        assert page.locator(".confirm-unchecked").is_visible() == (theirs == "unchecked")
    unchecked = mentor.page.locator(".confirm-partner")
    assert not unchecked.locator(".confirm-yes").is_visible()
    link = unchecked.get_by_role("link", name="Your pair's page")
    assert link.get_attribute("href") == f"/pairs/{pid}"
    assert_accessible(mentor.page)
    # A garbled signature on the mentor's own confirmation: not confirmed either.
    sql(
        instance,
        "UPDATE confirmations SET sig = ? WHERE user_id = ?",
        "A" * 86,
        pair.mentor.user_id,
    )
    page = mentee.open("/agreement")
    assert page.locator(".confirm-partner").get_attribute("data-confirmed") == "unchecked"
    assert page.locator(".confirm-unchecked").is_visible()
    # Confirming for real still works and shows.
    page.locator("#confirm-button").click()
    mentee.wait_status("You confirmed version 1")
    assert page.locator(".confirm-me").get_attribute("data-confirmed") == "true"
    for member in (mentor, mentee):
        member.problems.assert_none()


def test_earlier_confirmations_are_checked_and_a_failed_confirm_says_why(
    pair: Pair,
    members: Members,
    instance: Path,
) -> None:
    mentor, mentee = members
    pid = pair.id
    agreement = pair.mentee.add_entry(pid, "agreement", {"goals": "Find work in IT"})
    pair.mentor.confirm(pid, agreement)
    pair.mentee.edit_entry(pid, agreement, {"goals": "Find work in IT by May"})
    page = mentee.open("/agreement")
    partner = page.locator(".confirm-partner")
    assert partner.get_attribute("data-confirmed") == "earlier"  # signed, checked
    # The server claims the mentee confirmed version 1 too: a signature that is not theirs.
    sql(
        instance,
        "INSERT INTO confirmations (entry_id, user_id, revision, envelope_sha, sig, author_id, "
        "ct_sha256, confirmed_at) SELECT entry_id, ?, revision, envelope_sha, sig, author_id, "
        "ct_sha256, confirmed_at FROM confirmations WHERE user_id = ?",
        pair.mentee.user_id,
        pair.mentor.user_id,
    )
    page = mentee.open("/agreement")
    assert page.locator(".confirm-me").get_attribute("data-confirmed") == "false"
    assert page.locator(".confirm-partner").get_attribute("data-confirmed") == "earlier"
    # Offline when confirming: a clear status, nothing thrown, nothing confirmed.
    page.route("**/confirm", lambda route: route.abort("internetdisconnected"))
    page.locator("#confirm-button").click()
    mentee.wait_status("No connection")
    assert page.locator(".confirm-me").get_attribute("data-confirmed") == "false"
    mentee.problems.forgive("INTERNET")
    for member in (mentor, mentee):
        member.problems.assert_none()
