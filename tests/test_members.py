"""Server side of issue 18 (findings 5, 10, 11, 12): the demo's mail and audit log, used links,
the privacy notice before invitations, recovery codes marked saved."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

import crypto
from memberclient.client import Client
from tests.helpers import (
    ORGANISER,
    csrf_token,
    deliver_mail,
    login_browserless,
    new_organiser,
    new_pair,
    outbox_texts,
    sql,
)
from workspace import create_app
from workspace.core import audit, clock, db
from workspace.demo import create_demo
from workspace.rights import purge


def test_the_demo_mails_only_open_links_that_say_what_they_are(instance: Path) -> None:
    app = create_app({"INSTANCE": instance})
    create_demo(app)
    mails = [t for t in outbox_texts(instance) if "/join/" in t and "Demo: career" in t]
    assert len(mails) == 4, "pairs 2 and 3: two invitations each; pair 1 joined at once"
    anon = app.test_client()
    token = anon.get("/api/v1/csrf").get_json()["csrf_token"]
    for text in mails:
        subject = text.split("\n")[1]
        assert "Demo: career mentoring" in subject and "valmis" not in subject
        assert "Demo Mentoring ry" in text and "organiser@demo.pairbook.test" in text
        link = re.search(r"/join/([A-Za-z0-9_-]+)", text)
        assert link
        answer = anon.post(
            "/api/v1/invitations/inspect",
            json={"token": link.group(1)},
            headers={"X-CSRFToken": token},
        )
        assert answer.status_code == 200, "a mailed link still works"
    (programme_id,) = sql(
        instance, "SELECT id FROM programmes WHERE name = 'Demo: career mentoring'"
    )[0]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        conn = db.open_for_app(app)
        try:
            sentences = [e["sentence"] for e in audit.entries(conn, programme_id)]
        finally:
            conn.close()
    codes = [
        r[0] for r in sql(instance, "SELECT code FROM pairs WHERE programme_id = ?", programme_id)
    ]
    for code in codes:
        assert f"Pair {code} created" in sentences
    assert sum("Invitation sent" in s for s in sentences) == 4


def test_a_used_link_keeps_saying_joined_until_it_would_have_expired(app: Flask) -> None:
    setup = new_pair(app, new_organiser(app))
    Client.for_app(app).register(setup.mentor_link, "a long passphrase here 1", "Maija")
    purge.purge(app)  # the daily housekeeping keeps a used link until it would have expired
    anon = app.test_client()
    anon.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    token = anon.get("/api/v1/csrf").get_json()["csrf_token"]
    body = {"token": setup.mentor_link.rsplit("/", 1)[1]}
    answer = anon.post("/api/v1/invitations/inspect", json=body, headers={"X-CSRFToken": token})
    assert answer.status_code == 409 and answer.get_json()["joined"] is True
    assert "Sign in" in answer.get_json()["message"]
    clock.travel(timedelta(days=15))
    purge.purge(app)
    answer = anon.post("/api/v1/invitations/inspect", json=body, headers={"X-CSRFToken": token})
    assert answer.status_code == 404


def test_no_invitation_before_the_privacy_notice(app: Flask, instance: Path) -> None:
    new_organiser(app)
    org = app.test_client()
    org.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login_browserless(org, *ORGANISER).status_code == 200
    data = {
        "name": "Blank notice",
        "language": "en",
        "start_date": "2027-01-10",
        "mid_date": "2027-03-10",
        "end_date": "2027-06-10",
        "csrf_token": csrf_token(org, "/organiser/programmes/new"),
    }
    url = org.post("/organiser/programmes/new", data=data).headers["Location"]
    deliver_mail(app)
    before = len(outbox_texts(instance))
    page = org.get(url).get_data(as_text=True)
    assert 'id="privacy-missing"' in page
    response = org.post(
        url + "/pairs",
        data={
            "csrf_token": csrf_token(org, url),
            "mentor_email": "m@example.org",
            "mentee_email": "e@example.org",
        },
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'id="mentor_email-error"' in text and "privacy notice" in text
    assert sql(instance, "SELECT count(*) FROM pairs")[0][0] == 0
    deliver_mail(app)
    assert len(outbox_texts(instance)) == before
    # The privacy page keeps the programme's tabs and sends the organiser back to invite.
    privacy = org.get(url + "/privacy?then=pairs").get_data(as_text=True)
    assert 'id="programme-nav"' in privacy and 'name="then" value="pairs"' in privacy
    saved = org.post(
        url + "/privacy",
        data={
            "controller": "",
            "privacy_contact": "x@example.org",
            "retention_days": "90",
            "then": "pairs",
            "csrf_token": csrf_token(org, url + "/privacy"),
        },
    )
    assert saved.status_code == 400, "a blank controller is refused at its field"
    saved = org.post(
        url + "/privacy",
        data={
            "controller": "Mentor ry",
            "privacy_contact": "x@example.org",
            "retention_days": "90",
            "then": "pairs",
            "csrf_token": csrf_token(org, url + "/privacy"),
        },
    )
    assert saved.status_code == 303 and saved.headers["Location"].startswith(url + "#")


def test_the_recovery_code_counts_as_saved_only_when_said(app: Flask) -> None:
    setup = new_pair(app, new_organiser(app))
    member = Client.for_app(app)
    code = member.register(setup.mentee_link, "a long passphrase here 2", "Ali")
    assert code is not None
    assert member.request("GET", "/api/v1/me/keys")["recovery_saved"] is False
    member.request("POST", "/api/v1/me/recovery-code/saved")
    assert member.request("GET", "/api/v1/me/keys")["recovery_saved"] is True
    # A recovery that brings a new code: not saved until the member says so again.
    recovered = Client.for_app(app)
    grant = recovered.request(
        "POST",
        "/api/v1/recovery",
        {
            "email": "mentee@example.org",
            "recovery_auth": crypto.b64u_encode(crypto.recovery_auth_from_code(code)),
        },
    )
    material = {k: grant[k] for k in ("recovery_wrapped_key", "wrapped_x25519", "wrapped_ed25519")}
    secrets = crypto.recover_account(
        code, {**material, "bundle": grant["bundle"]}, grant["user_id"]
    )
    rewrap = crypto.rewrap_for_new_passphrase(secrets, "a recovered passphrase 3")
    _new_code, fresh = crypto.rewrap_for_new_recovery_code(secrets)
    body = {"grant": grant["grant"], **rewrap, **fresh}
    recovered.request("POST", "/api/v1/recovery/complete", body)
    assert recovered.request("GET", "/api/v1/me/keys")["recovery_saved"] is False


def test_send_again_waits_for_the_privacy_notice_too(app: Flask, instance: Path) -> None:
    new_pair(app, new_organiser(app))
    sql(instance, "UPDATE programmes SET controller = NULL")  # a programme from before the rule
    org = app.test_client()
    org.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login_browserless(org, *ORGANISER).status_code == 200
    (programme_id,) = sql(instance, "SELECT id FROM programmes")[0]
    url = f"/organiser/programmes/{programme_id}"
    page = org.get(url).get_data(as_text=True)
    resend = re.findall(r'action="(/organiser/pairs/[^"]+/resend)"', page)[0]
    deliver_mail(app)
    before = len(outbox_texts(instance))
    response = org.post(resend, data={"csrf_token": csrf_token(org, url)}, follow_redirects=True)
    assert "Nothing was sent: fill in the programme&#39;s privacy notice first." in (
        response.get_data(as_text=True)
    )
    deliver_mail(app)
    assert len(outbox_texts(instance)) == before
    open_links = sql(
        instance,
        "SELECT count(*) FROM invitations WHERE revoked_at IS NULL AND pair_id IS NOT NULL",
    )
    assert open_links[0][0] == 2, "the links already sent still work"


@pytest.mark.parametrize(
    ("action", "subject", "sentence"),
    [
        ("pair.paused", "PB-ABCD", "Pair PB-ABCD paused"),
        ("pair.resumed", "PB-ABCD", "Pair PB-ABCD resumed"),
        ("event.created", "ev_x1Y2z3", "Event created and invitations sent"),
        ("event.changed", "ev_x1Y2z3", "Event changed and the invited told"),
        ("message.sent", "midpoint", "Programme message sent: Mid-point"),
    ],
)
def test_every_audited_action_reads_as_a_sentence_without_codes(
    app: Flask, action: str, subject: str, sentence: str
) -> None:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        said = audit.describe(action, subject)
    assert said == sentence
    assert "ev_" not in said and "midpoint" not in said and "." not in said.split()[0]
