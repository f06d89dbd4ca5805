"""Membership needs consent: an organiser adding an existing account to a pair only invites it,
and until the member accepts, the organiser's side looks the same for a registered and an unknown
email; a programme never sees the name a member chose in another programme."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from memberclient.client import Client, ClientError
from tests.conftest import csrf_token
from tests.helpers import (
    PASSPHRASE,
    fill_privacy,
    login_browserless,
    new_organiser,
    new_pair,
    sql,
)
from workspace.core import db

REGISTERED = "yuser@example.org"


def _token(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture
def org_b(app: Flask) -> FlaskClient:
    """A second organiser (programme B) signed in to the organiser pages."""
    new_organiser(app, "orgb@example.org")
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login_browserless(client, "orgb@example.org", PASSPHRASE).status_code == 200
    data = {
        "name": "Programme B",
        "language": "en",
        "start_date": "2027-01-10",
        "mid_date": "2027-03-10",
        "end_date": "2027-06-10",
        "csrf_token": csrf_token(client, "/organiser/programmes/new"),
    }
    response = client.post("/organiser/programmes/new", data=data)
    assert response.status_code == 303
    client.programme_url = response.headers["Location"]  # type: ignore[attr-defined]
    fill_privacy(client, client.programme_url)  # type: ignore[attr-defined]
    return client


def _member_of_a(app: Flask) -> Client:
    """A member who registered in programme A under the name "Name From A"."""
    setup = new_pair(app, new_organiser(app), REGISTERED, "partner-a@example.org")
    member = Client.for_app(app)
    member.register(setup.mentor_link, PASSPHRASE + " y", "Name From A")
    return member


def _add_pair(client: FlaskClient, mentor: str, mentee: str) -> tuple[int, str, str]:
    url = client.programme_url  # type: ignore[attr-defined]
    response = client.post(
        url + "/pairs",
        data={
            "csrf_token": csrf_token(client, url),
            "mentor_email": mentor,
            "mentee_email": mentee,
        },
    )
    page = client.get(url).get_data(as_text=True)
    flashed = re.search(r"Pair (PB-[2-9A-Z]{4}) created[^<]*", page)
    assert flashed, page
    return response.status_code, response.headers.get("Location", ""), flashed.group(0)


def _pair_row_html(page: str, code: str) -> str:
    """The pairs table row of one pair, with its code taken out."""
    start = page.index(code)
    row_start = page.rindex("<tr", 0, start)
    row_end = page.index("</tr>", start)
    return re.sub(r"p_[A-Za-z0-9_-]+", "PAIR", page[row_start:row_end]).replace(code, "CODE")


def _pair_id(instance: Path, code: str) -> str:
    return sql(instance, "SELECT id FROM pairs WHERE code = ?", code)[0][0]


def _reveal(client: FlaskClient, pair_id: str) -> str:
    url = client.programme_url.replace("/organiser/programmes/", "")  # type: ignore[attr-defined]
    path = f"/organiser/programmes/{url}/pairs/{pair_id}/contact"
    response = client.post(
        path, data={"csrf_token": csrf_token(client, path), "reason": "A member asked us to call."}
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_adding_a_registered_member_only_invites_them(
    app: Flask, org_b: FlaskClient, instance: Path
) -> None:
    member = _member_of_a(app)
    before = {p["pair_id"] for p in member.pairs()}

    known = _add_pair(org_b, REGISTERED, "new-1@example.org")
    unknown = _add_pair(org_b, "nobody@example.org", "new-2@example.org")
    known_code = known[2].split()[1]
    unknown_code = unknown[2].split()[1]
    # The same answer for both: status, target and message (with the codes taken out).
    assert known[:2] == unknown[:2]
    assert known[2].replace(known_code, "X") == unknown[2].replace(unknown_code, "X")

    # The programme page: the pairs' rows are the same, states and buttons alike.
    page = org_b.get(org_b.programme_url).get_data(as_text=True)  # type: ignore[attr-defined]
    assert _pair_row_html(page, known_code) == _pair_row_html(page, unknown_code)
    assert "joined" not in _pair_row_html(page, known_code)

    # The audit log holds the same entries for both.
    audit = sql(
        instance,
        "SELECT action, replace(subject, ?, 'X') FROM audit_log WHERE subject LIKE ? ORDER BY id",
        known_code,
        known_code + "%",
    )
    audit_unknown = sql(
        instance,
        "SELECT action, replace(subject, ?, 'X') FROM audit_log WHERE subject LIKE ? ORDER BY id",
        unknown_code,
        unknown_code + "%",
    )
    assert [tuple(r) for r in audit] == [tuple(r) for r in audit_unknown]

    # The contact reveal shows no name chosen elsewhere.
    known_id = _pair_id(instance, known_code)
    revealed = _reveal(org_b, known_id)
    assert "Name From A" not in revealed

    # The member is not in the pair and cannot see it until they accept.
    assert {p["pair_id"] for p in member.pairs()} == before
    with pytest.raises(ClientError) as caught:
        member.request("GET", f"/api/v1/pairs/{known_id}")
    assert caught.value.status == 404

    # Accepting through the emailed link, signed in, with a name for this pair.
    links = [
        row[0]
        for row in sql(instance, "SELECT body FROM outbox WHERE to_addr = ?", REGISTERED)
        if "Programme B" in row[0]
    ]
    token = re.search(r"/join/([A-Za-z0-9_-]+)", links[-1]).group(1)  # type: ignore[union-attr]
    info = member.request("POST", "/api/v1/invitations/inspect", {"token": token})
    assert info["registered"] is True and info["pair"] is True
    with pytest.raises(ClientError) as caught:
        member.request("POST", "/api/v1/invitations/accept", {"token": token})
    assert caught.value.status == 400
    assert {p["pair_id"] for p in member.pairs()} == before, "a refused accept changes nothing"
    result = member.request(
        "POST", "/api/v1/invitations/accept", {"token": token, "display_name": "Name In B"}
    )
    assert result["pair_id"] == known_id
    assert known_id in {p["pair_id"] for p in member.pairs()}
    member.request("GET", f"/api/v1/pairs/{known_id}")

    page = org_b.get(org_b.programme_url).get_data(as_text=True)  # type: ignore[attr-defined]
    assert "joined" in _pair_row_html(page, known_code)
    revealed = _reveal(org_b, known_id)
    assert "Name In B" in revealed
    assert "Name From A" not in revealed

    # The partner in B sees the name chosen for B, and programme A still sees its own.
    partner_link = next(
        row[0]
        for row in sql(instance, "SELECT body FROM outbox WHERE to_addr = 'new-1@example.org'")
    )
    partner = Client.for_app(app)
    partner.register(
        re.search(r"/join/[A-Za-z0-9_-]+", partner_link).group(0),  # type: ignore[union-attr]
        PASSPHRASE + " p",
        "Partner",
    )
    names = {p["pair_id"]: p["partner"]["display_name"] for p in partner.pairs()}
    assert names == {known_id: "Name In B"}


def test_an_invitation_for_someone_else_cannot_be_accepted(
    app: Flask, org_b: FlaskClient, instance: Path
) -> None:
    member = _member_of_a(app)
    _add_pair(org_b, "someone@example.org", "new-3@example.org")
    body = sql(instance, "SELECT body FROM outbox WHERE to_addr = 'someone@example.org'")[0][0]
    token = _token(re.search(r"/join/[A-Za-z0-9_-]+", body).group(0))  # type: ignore[union-attr]
    with pytest.raises(ClientError) as caught:
        member.request("POST", "/api/v1/invitations/accept", {"token": token, "display_name": "Y"})
    assert caught.value.status == 404


def _statements(
    monkeypatch: pytest.MonkeyPatch, client: FlaskClient, mentor: str, mentee: str
) -> list[str]:
    """The SQL a pair's creation runs, with every literal value taken out."""
    seen: list[str] = []
    opened = db.connect

    def traced(path: Path, key: bytes) -> db.Connection:
        conn = opened(path, key)
        conn.set_trace_callback(seen.append)
        return conn

    monkeypatch.setattr(db, "connect", traced)
    url = client.programme_url  # type: ignore[attr-defined]
    token = csrf_token(client, url)
    db.pool(client.application).drain()  # the request opens (and so traces) a new connection
    seen.clear()
    response = client.post(
        url + "/pairs", data={"csrf_token": token, "mentor_email": mentor, "mentee_email": mentee}
    )
    monkeypatch.setattr(db, "connect", opened)
    assert response.status_code == 303
    return [re.sub(r"'[^']*'|X'[0-9A-F]*'|\b\d+\b", "?", s) for s in seen]


def test_the_request_runs_the_same_statements_for_a_registered_email(
    app: Flask, org_b: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _member_of_a(app)
    _add_pair(org_b, "warm-1@example.org", "warm-2@example.org")  # sends the mail queued so far
    known = _statements(monkeypatch, org_b, REGISTERED, "new-4@example.org")
    unknown = _statements(monkeypatch, org_b, "nobody-2@example.org", "new-5@example.org")
    assert known, "the trace saw the request's statements"
    assert known == unknown
