"""The organiser's recruitment page: editing a call (every problem at its field, nothing saved
until all pass), the special-category warning, opening only once the privacy notice and the
call's essentials are there, closing, htmx both ways, the poster; and the 404 for everyone who
does not organise the programme, on every organiser route of recruitment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from memberclient.client import Client
from memberclient.recruitment import Applicant
from tests.helpers import (
    MENTEE,
    MENTOR,
    PASSPHRASE,
    Pair,
    csrf_token,
    login_browserless,
    new_organiser,
    sql,
)
from tests.support.recruiting import mentee_answers, recruiting_programme
from workspace.core import clock, db
from workspace.organiser import programmes


@pytest.fixture(autouse=True)
def _reset_clock() -> object:
    yield
    clock.reset()


def _bare_programme(app: Flask, organiser: Client) -> str:
    conn = db.open_for_app(app)
    today = clock.now().date()
    try:
        with app.test_request_context(), db.transaction(conn):
            return programmes.create_programme(
                conn,
                organiser.user_id or "",
                "Syksyn ohjelma",
                "fi",
                (today + timedelta(days=30), today + timedelta(days=90), today + timedelta(150)),
            )
    finally:
        conn.close()


@pytest.fixture
def signed_in(app: Flask) -> tuple[FlaskClient, str]:
    organiser = new_organiser(app)
    programme_id = _bare_programme(app, organiser)
    client = app.test_client()
    login_browserless(client, "org@example.org", PASSPHRASE)
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client)})
    return client, programme_id


def _call_form(client: FlaskClient, base: str, **changes: Any) -> dict[str, Any]:
    today = clock.now().date()
    data: dict[str, Any] = {
        "csrf_token": csrf_token(client, f"{base}/mentee"),
        "offer": "Half a year of mentoring.",
        "length_text": "6 months",
        "rhythm": "Twice a month",
        "mode": "either",
        "criteria": "Tampere region",
        "contact_name": "Olga",
        "contact_email": "olga@example.org",
        "closes_on": (today + timedelta(days=5)).isoformat(),
        "pairs_by": (today + timedelta(days=15)).isoformat(),
        "starts_on": (today + timedelta(days=30)).isoformat(),
        "languages": ["fi", "en"],
        "questions-0-label": "Employer",
        "questions-0-why": "Pairs across employers",
        "questions-0-kind": "short",
        "questions-0-required": "y",
        "questions-1-label": "",
        "questions-1-kind": "short",
    }
    data.update(changes)
    return data


def test_the_programme_page_links_to_recruitment(signed_in: Any) -> None:
    client, programme_id = signed_in
    page = client.get(f"/organiser/programmes/{programme_id}").get_data(True)
    assert f"/organiser/programmes/{programme_id}/recruitment" in page


def test_editing_a_call_saves_it_and_opening_needs_the_privacy_notice(
    app: Flask, instance: Path, signed_in: Any
) -> None:
    client, programme_id = signed_in
    base = f"/organiser/programmes/{programme_id}/recruitment"
    overview = client.get(base).get_data(True)
    assert 'id="privacy-missing"' in overview and "/apply/syksyn-ohjelma" in overview
    saved = client.post(f"{base}/mentee", data=_call_form(client, base))
    assert saved.status_code == 303
    row = sql(instance, "SELECT offer, languages, questions, state FROM calls WHERE role='mentee'")
    assert row[0][0] == "Half a year of mentoring." and row[0][3] == "draft"
    assert '"fi"' in row[0][1] and '"id": "q1"' in row[0][2] and "Employer" in row[0][2]
    token = csrf_token(client, base)
    refused = client.post(f"{base}/mentee/state", data={"csrf_token": token, "state": "open"})
    assert refused.status_code == 303
    assert "cannot open yet" in client.get(base).get_data(True)
    assert sql(instance, "SELECT state FROM calls WHERE role='mentee'")[0][0] == "draft"
    sql(
        instance,
        "UPDATE programmes SET controller = 'Ry', privacy_contact = 'p@example.org'",
    )
    opened = client.post(
        f"{base}/mentee/state",
        data={"csrf_token": token, "state": "open"},
        headers={"HX-Request": "true"},
    )
    body = opened.get_data(True)
    assert opened.status_code == 200 and body.lstrip().startswith('<section class="card call-card"')
    assert "The call is open." in body and 'id="close-mentee"' in body
    assert sql(instance, "SELECT state FROM calls WHERE role='mentee'")[0][0] == "open"
    page = app.test_client().get("/apply/syksyn-ohjelma/mentee")
    assert page.status_code == 200 and "Employer" in page.get_data(True)
    closed = client.post(f"{base}/mentee/state", data={"csrf_token": token, "state": "closed"})
    assert closed.status_code == 303
    assert app.test_client().get("/apply/syksyn-ohjelma/mentee").status_code == 409


def test_every_error_is_at_its_field_and_nothing_is_saved(instance: Path, signed_in: Any) -> None:
    client, programme_id = signed_in
    base = f"/organiser/programmes/{programme_id}/recruitment"
    today = clock.now().date()
    bad = _call_form(
        client,
        base,
        contact_email="not-an-address",
        pairs_by=(today - timedelta(days=1)).isoformat(),
        **{
            "questions-0-kind": "one",
            "questions-0-options": "only one choice",
            "questions-1-label": "What is your religion?",
            "questions-1-kind": "short",
        },
    )
    response = client.post(f"{base}/mentee", data=bad)
    page = response.get_data(True)
    assert response.status_code == 400
    assert 'id="contact_email-error"' in page and 'id="pairs_by-error"' in page
    assert 'id="questions-0-options-error"' in page
    assert 'id="questions-1-label-error"' in page and "special-category" in page
    assert 'id="questions-1-why-error"' in page  # every question says why it is asked
    assert sql(instance, "SELECT offer FROM calls WHERE role='mentee'")[0][0] == ""
    # Ticking the box says the question asks nothing of the kind (e.g. a faith-based employer).
    fixed = _call_form(
        client,
        base,
        **{
            "questions-1-label": "Would you mind a mentor from a religious organisation?",
            "questions-1-why": "Some of our mentors work in parishes.",
            "questions-1-kind": "short",
            "questions-1-not_special": "y",
        },
    )
    assert client.post(f"{base}/mentee", data=fixed).status_code == 303
    assert (
        "religious organisation"
        in sql(instance, "SELECT questions FROM calls")[1][0]
        + (sql(instance, "SELECT questions FROM calls")[0][0])
    )


def test_keep_days_and_the_poster(instance: Path, signed_in: Any) -> None:
    client, programme_id = signed_in
    base = f"/organiser/programmes/{programme_id}/recruitment"
    token = csrf_token(client, base)
    bad = client.post(f"{base}/keep", data={"csrf_token": token, "keep_days": "0"})
    assert bad.status_code == 400 and 'id="keep_days-error"' in bad.get_data(True)
    assert (
        client.post(f"{base}/keep", data={"csrf_token": token, "keep_days": "30"}).status_code
        == 303
    )
    assert sql(instance, "SELECT keep_days FROM recruitment")[0][0] == 30
    poster = client.get(f"{base}/poster").get_data(True)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in poster and "/apply/syksyn-ohjelma" in poster


def _organiser_routes(programme_id: str, application_id: str) -> list[tuple[str, str]]:
    base = f"/organiser/programmes/{programme_id}/recruitment"
    return [
        ("GET", base),
        ("POST", f"{base}/keep"),
        ("GET", f"{base}/mentee"),
        ("POST", f"{base}/mentee"),
        ("POST", f"{base}/mentor/state"),
        ("GET", f"{base}/poster"),
        ("GET", f"/api/v1/organiser/programmes/{programme_id}/applications/{application_id}"),
    ]


def test_other_organisers_and_members_get_404_everywhere(app: Flask, pair: Pair) -> None:
    rec = recruiting_programme(app, pair.organiser)
    sent = Applicant(Client.for_app(app)).apply(
        rec.slug, "mentee", "ada@example.org", mentee_answers()
    )
    other = new_organiser(app, "other@example.org")
    _bare_programme(app, other)
    people = [("other@example.org", PASSPHRASE), MENTOR, MENTEE]
    for email, passphrase in people:
        client = app.test_client()
        login_browserless(client, email, passphrase)
        token = csrf_token(client)
        for method, path in _organiser_routes(rec.programme_id, sent["application_id"]):
            response = client.open(
                path,
                method=method,
                data={"csrf_token": token, "state": "open", "keep_days": "5"},
                headers={"X-CSRFToken": token},
            )
            assert response.status_code == 404, (email, method, path, response.status_code)
    # The organiser's own routes work, and a wrong application id or programme is a 404 too.
    own = app.test_client()
    login_browserless(own, "org@example.org", PASSPHRASE)
    for method, path in _organiser_routes(rec.programme_id, sent["application_id"]):
        if method == "GET":
            assert own.get(path).status_code == 200, path
    assert (
        own.get(f"/api/v1/organiser/programmes/{rec.programme_id}/applications/nope").status_code
        == 404
    )
    assert (
        own.get(f"/organiser/programmes/{rec.programme_id}/recruitment/organiser").status_code
        == 404
    )
    assert own.get("/organiser/programmes/g_nope/recruitment").status_code == 404
