"""Fragments (docs/ARCHITECTURE.md, "htmx"): to an htmx request a page answers with its partial
alone, to a plain request with the whole page; a form post answers htmx with the fragment again
(the message in it and announced out of band) and a plain post with a redirect, as before."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.helpers import (
    PASSPHRASE,
    Pair,
    deliver_mail,
    login_browserless,
    new_pair,
    open_db,
    outbox_links,
)

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://localhost/"}


def _browser(app: Flask, email: str, passphrase: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login_browserless(client, email, passphrase).status_code == 200
    return client


@dataclass
class Programme:
    """A joined pair with a flag, a second pair still invited, and the people's browsers."""

    programme_id: str
    joined: str
    invited: str
    flag_id: str
    organiser: FlaskClient
    mentee: FlaskClient


@pytest.fixture
def programme(app: Flask, pair: Pair) -> Programme:
    invited = new_pair(
        app, pair.organiser, "m2@example.org", "e2@example.org", programme_id=pair.programme_id
    )
    flag_id = pair.mentee.raise_flag(pair.id, "language")
    return Programme(
        pair.programme_id,
        pair.id,
        invited.pair_id,
        flag_id,
        _browser(app, "org@example.org", PASSPHRASE),
        _browser(app, "mentee@example.org", PASSPHRASE + " mentee"),
    )


def _is_fragment(text: str, fragment_id: str) -> bool:
    """The answer is the fragment alone: it starts with its own element, no page around it."""
    return "<html" not in text and "site-header" not in text and f'id="{fragment_id}"' in text


def _is_page(text: str, fragment_id: str) -> bool:
    return text.lstrip().startswith("<!doctype html>") and f'id="{fragment_id}"' in text


def _post(client: FlaskClient, url: str, page: str, data: dict[str, str], htmx: bool) -> object:
    form = {"csrf_token": csrf_token(client, page), **data}
    return client.post(url, data=form, headers=HTMX if htmx else {})


@pytest.mark.parametrize(
    ("path", "fragment_id"),
    [
        ("/organiser/programmes/{programme}/dashboard?phase=start", "pair-rows"),
        ("/organiser/programmes/{programme}/dashboard?attention=1&weeks=4", "pair-rows"),
        ("/pairs/{joined}/report", "my-reports-area"),
    ],
)
def test_a_page_answers_htmx_with_its_fragment_and_a_plain_request_with_the_page(
    programme: Programme, path: str, fragment_id: str
) -> None:
    url = path.format(programme=programme.programme_id, joined=programme.joined)
    client = programme.mentee if url.startswith("/pairs/") else programme.organiser
    plain = client.get(url)
    partial = client.get(url, headers=HTMX)
    assert plain.status_code == partial.status_code == 200
    assert _is_page(plain.get_data(as_text=True), fragment_id)
    assert _is_fragment(partial.get_data(as_text=True), fragment_id)
    for response in (plain, partial):
        assert "HX-Request" in response.headers["Vary"]


def test_the_dashboard_fragment_filters_and_updates_the_count(programme: Programme) -> None:
    base = f"/organiser/programmes/{programme.programme_id}/dashboard"
    text = programme.organiser.get(base + "?attention=1", headers=HTMX).get_data(as_text=True)
    # Nothing is shared yet: both pairs need attention, and the count is swapped out of band.
    assert text.count('scope="row" class="pair-code"') == 2
    assert 'id="pair-count" hx-swap-oob="innerHTML"' in text and "Showing 2 of 2 pairs." in text
    none = programme.organiser.get(base + "?phase=working", headers=HTMX).get_data(as_text=True)
    assert "No pairs match." in none and "Showing 0 of 2 pairs." in none
    assert "Charts" not in none and "dashboard-filters" not in none


def test_a_history_restore_gets_the_whole_page(programme: Programme) -> None:
    url = f"/organiser/programmes/{programme.programme_id}/dashboard?phase=start"
    restore = programme.organiser.get(url, headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert _is_page(restore.get_data(as_text=True), "pair-rows")


def test_pages_that_never_vary_do_not_say_they_vary_on_htmx(programme: Programme) -> None:
    for url in ("/", "/privacy", f"/organiser/programmes/{programme.programme_id}"):
        response = programme.organiser.get(url)
        assert response.status_code == 200
        assert "HX-Request" not in response.headers["Vary"], url
        assert "Cookie" in response.headers["Vary"]


def _resend_url(programme: Programme) -> str:
    return f"/organiser/pairs/{programme.invited}/mentor/resend"


def test_resend_answers_htmx_with_the_pairs_table(programme: Programme, instance: Path) -> None:
    page = f"/organiser/programmes/{programme.programme_id}"
    deliver_mail(programme.organiser.application)
    before = outbox_links(instance)
    response = _post(programme.organiser, _resend_url(programme), page, {}, htmx=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and _is_fragment(text, "pairs")
    assert '<section id="pairs"' in text
    assert text.count("A new invitation was sent. The old link no longer works.") == 2
    assert '<div id="announce" hx-swap-oob="innerHTML">' in text
    assert "HX-Request" in response.headers["Vary"]
    deliver_mail(programme.organiser.application)
    new = [link for link in outbox_links(instance) if link not in before]
    assert len(new) == 1
    # The flash was not left behind for the next page: htmx showed it in place.
    assert "A new invitation was sent" not in programme.organiser.get(page).get_data(as_text=True)


def test_resend_without_javascript_redirects_and_flashes(programme: Programme) -> None:
    page = f"/organiser/programmes/{programme.programme_id}"
    response = _post(programme.organiser, _resend_url(programme), page, {}, htmx=False)
    assert response.status_code == 303 and response.headers["Location"].endswith(page)
    shown = programme.organiser.get(page).get_data(as_text=True)
    assert "A new invitation was sent. The old link no longer works." in shown


@pytest.mark.parametrize("htmx", [True, False])
def test_revoke_in_both_ways(programme: Programme, instance: Path, htmx: bool) -> None:
    page = f"/organiser/programmes/{programme.programme_id}"
    url = f"/organiser/pairs/{programme.invited}/mentee/revoke"
    response = _post(programme.organiser, url, page, {}, htmx=htmx)
    conn = open_db(instance)
    try:
        (open_links,) = conn.execute(
            "SELECT count(*) FROM invitations i JOIN pair_members m ON m.user_id = i.user_id "
            "AND m.pair_id = i.pair_id WHERE i.pair_id = ? AND m.role = 'mentee' "
            "AND i.revoked_at IS NULL AND i.used_at IS NULL",
            (programme.invited,),
        ).fetchone()
    finally:
        conn.close()
    assert open_links == 0
    if htmx:
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and _is_fragment(text, "pairs")
        assert "no valid link" in text and f'action="{url}"' not in text
    else:
        assert response.status_code == 303


@pytest.mark.parametrize("htmx", [True, False])
def test_flag_status_in_both_ways(programme: Programme, htmx: bool) -> None:
    page = f"/organiser/programmes/{programme.programme_id}/flags"
    url = f"{page}/{programme.flag_id}/status"
    data = {f"{programme.flag_id}-status": "in_contact"}
    response = _post(programme.organiser, url, page, data, htmx=htmx)
    audit = programme.organiser.get(f"/organiser/programmes/{programme.programme_id}/audit")
    assert "Flag status changed to In contact" in audit.get_data(as_text=True)
    if htmx:
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and _is_fragment(text, f"flag-{programme.flag_id}-state")
        assert re.search(r'<span class="state">In contact</span>', text)
        assert "The status was saved." in text and "sealed-messages" not in text
    else:
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"#flag-{programme.flag_id}")


@pytest.mark.parametrize("htmx", [True, False])
def test_sharing_toggle_in_both_ways(programme: Programme, htmx: bool) -> None:
    page = f"/pairs/{programme.joined}/sharing"
    response = _post(programme.mentee, page, page, {"signal": "phase", "decision": "1"}, htmx=htmx)
    if htmx:
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and _is_fragment(text, "signal-phase")
        assert "You share this." in text and 'name="decision" value="0"' in text
        assert "Your choice was saved." in text and "signal-agreement" not in text
    else:
        assert response.status_code == 303 and response.headers["Location"].endswith(
            "#signal-phase"
        )
    again = programme.mentee.get(page).get_data(as_text=True)
    card = again[again.index('id="signal-phase"') : again.index('id="signal-agreement"')]
    assert "You share this." in card


def test_an_htmx_post_without_the_csrf_token_changes_nothing(
    programme: Programme, instance: Path
) -> None:
    deliver_mail(programme.organiser.application)
    before = outbox_links(instance)
    response = programme.organiser.post(_resend_url(programme), data={}, headers=HTMX)
    assert response.status_code in (400, 404)
    deliver_mail(programme.organiser.application)
    assert outbox_links(instance) == before


def test_a_wrong_id_is_a_404_for_htmx_too(programme: Programme) -> None:
    page = f"/organiser/programmes/{programme.programme_id}/flags"
    wrong = f"{page}/f_nope/status"
    assert _post(programme.organiser, wrong, page, {}, htmx=True).status_code == 404
    other = f"/pairs/{programme.invited}/sharing"
    response = _post(programme.mentee, other, f"/pairs/{programme.joined}/sharing", {}, True)
    assert response.status_code == 404
