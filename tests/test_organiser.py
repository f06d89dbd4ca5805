"""The organiser's pages: programmes, pairs, invitations; and email delivery."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from memberclient.client import Client
from tests.conftest import csrf_token
from tests.helpers import (
    PASSPHRASE,
    Pair,
    deliver_mail,
    fill_privacy,
    login_browserless,
    new_organiser,
    open_db,
    outbox_links,
)
from tests.support.smtp import SmtpReceiver, free_port
from workspace import create_app
from workspace.core import mail


@pytest.fixture
def org_client(app: Flask) -> FlaskClient:
    new_organiser(app)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login_browserless(client, "org@example.org", PASSPHRASE).status_code == 200
    return client


def _programme(client: FlaskClient, **overrides: str) -> object:
    data = {
        "name": "Spring 2027",
        "language": "fi",
        "start_date": "2027-01-10",
        "mid_date": "2027-03-10",
        "end_date": "2027-06-10",
        **overrides,
    }
    data["csrf_token"] = csrf_token(client, "/organiser/programmes/new")
    response = client.post("/organiser/programmes/new", data=data)
    if response.status_code == 303:
        fill_privacy(client, response.headers["Location"])
    return response


def test_create_programme_and_pair(org_client: FlaskClient, instance: Path) -> None:
    response = _programme(org_client)
    assert response.status_code == 303
    page_url = response.headers["Location"]
    token = csrf_token(org_client, page_url)
    response = org_client.post(
        page_url + "/pairs",
        data={
            "csrf_token": token,
            "mentor_email": "Mentor@Example.org",
            "mentee_email": "mentee@example.org",
        },
    )
    assert response.status_code == 303
    page = org_client.get(page_url).get_data(as_text=True)
    code = re.search(r"PB-[2-9A-Z]{4}", page)
    assert code, page
    assert page.count("invited") >= 2
    assert "mentor@example.org" not in page.lower(), "emails are not shown in the pair list"
    deliver_mail(org_client.application)
    links = outbox_links(instance)
    assert len(links) == 3  # the organiser's own set-up link and the two new ones
    member = Client.for_app(org_client.application)
    member.register(links[1], PASSPHRASE + " m", "Maija")
    assert "joined" in org_client.get(page_url).get_data(as_text=True)


def test_programme_form_errors_are_clear(org_client: FlaskClient, instance: Path) -> None:
    response = _programme(org_client, mid_date="2026-12-01", name="")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "aria-invalid" in page
    assert "The mid-point must be after the start date." in page
    conn = open_db(instance)
    assert conn.execute("SELECT count(*) FROM programmes").fetchone()[0] == 0
    conn.close()


def test_same_email_twice_is_refused(org_client: FlaskClient, instance: Path) -> None:
    url = _programme(org_client).headers["Location"]
    token = csrf_token(org_client, url)
    response = org_client.post(
        url + "/pairs",
        data={
            "csrf_token": token,
            "mentor_email": "a@example.org",
            "mentee_email": "A@example.org",
        },
    )
    assert response.status_code == 400
    conn = open_db(instance)
    assert conn.execute("SELECT count(*) FROM pairs").fetchone()[0] == 0
    conn.close()
    # Reloading the address the errors were shown at leads back to the programme.
    for path in ("/pairs", "/organisers"):
        again = org_client.get(url + path)
        assert again.status_code == 302 and again.headers["Location"].endswith(url)
    assert org_client.get("/organiser/programmes/nope/pairs").status_code == 404


def test_resend_and_revoke(org_client: FlaskClient, instance: Path) -> None:
    url = _programme(org_client).headers["Location"]
    org_client.post(
        url + "/pairs",
        data={
            "csrf_token": csrf_token(org_client, url),
            "mentor_email": "m@example.org",
            "mentee_email": "e@example.org",
        },
    )
    deliver_mail(org_client.application)
    first_link = outbox_links(instance)[-2]
    page = org_client.get(url).get_data(as_text=True)
    resend = re.findall(r'action="(/organiser/pairs/[^"]+/resend)"', page)[0]
    assert (
        org_client.post(resend, data={"csrf_token": csrf_token(org_client, url)}).status_code == 303
    )
    deliver_mail(org_client.application)
    new_link = outbox_links(instance)[-1]
    assert new_link != first_link
    with pytest.raises(Exception, match="404"):
        Client.for_app(org_client.application).register(first_link, PASSPHRASE, "Old link")
    page = org_client.get(url).get_data(as_text=True)
    revoke = re.findall(r'action="(/organiser/pairs/[^"]+/revoke)"', page)[0]
    assert (
        org_client.post(revoke, data={"csrf_token": csrf_token(org_client, url)}).status_code == 303
    )
    assert "no valid link" in org_client.get(url).get_data(as_text=True)


def test_other_organiser_gets_404(app: Flask, org_client: FlaskClient) -> None:
    url = _programme(org_client).headers["Location"]
    other = Client.for_app(app)
    from workspace.accounts.queries import create_organiser

    other.register(create_organiser(app, "other@example.org"), PASSPHRASE, "Other")
    client = app.test_client()
    login_browserless(client, "other@example.org", PASSPHRASE)
    assert client.get(url).status_code == 404
    assert (
        client.post(
            url + "/pairs",
            data={
                "csrf_token": csrf_token(client),
                "mentor_email": "x@example.org",
                "mentee_email": "y@example.org",
            },
        ).status_code
        == 404
    )


def test_members_cannot_see_organiser_pages(app: Flask, pair: Pair) -> None:
    anonymous = app.test_client()
    assert anonymous.get("/organiser").status_code == 302
    member = app.test_client()
    assert (
        login_browserless(member, "mentor@example.org", PASSPHRASE + " mentor").status_code == 200
    )
    assert member.get("/organiser").status_code == 404
    assert member.get(f"/organiser/programmes/{pair.programme_id}").status_code == 404


def test_email_through_real_smtp_server(instance: Path) -> None:
    port = free_port()
    app = create_app({"INSTANCE": instance, "MAIL_SMTP_HOST": "127.0.0.1", "MAIL_SMTP_PORT": port})
    # First the server is down: the message waits in the outbox and is retried later.
    from workspace.accounts.queries import create_organiser

    create_organiser(app, "smtp@example.org")
    conn = open_db(instance)
    row = conn.execute("SELECT attempts, sent_at, last_error FROM outbox").fetchone()
    assert row["attempts"] == 1 and row["sent_at"] is None and row["last_error"]
    conn.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00Z'")
    conn.commit()
    conn.close()
    with SmtpReceiver(port) as receiver:
        assert mail.deliver_pending(app) == 1
    assert len(receiver.raw) == 1
    text = receiver.raw[0].decode()
    assert "smtp@example.org" in text and "/join/" in text
    assert not list((instance / "outbox").glob("*.eml"))
