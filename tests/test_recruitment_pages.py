"""The applicant's pages: the calls page and the form in the programme's language (or the
visitor's choice), a closed call's clear page, the status page behind the emailed link (it
confirms the address; withdraw; delete at once) and confirming a repeat by email."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from memberclient.client import Client
from memberclient.recruitment import Applicant, read_application
from tests.helpers import csrf_token, deliver_mail, new_organiser, outbox_texts, sql
from tests.support.recruiting import mentee_answers, recruiting_programme
from workspace.communication import plan_queries
from workspace.core import clock, db

STATUS = re.compile(r"/apply/status/[A-Za-z0-9_-]+")
UPDATE = re.compile(r"/apply/update/[A-Za-z0-9_-]+")


@pytest.fixture(autouse=True)
def _reset_clock() -> object:
    yield
    clock.reset()


@pytest.fixture
def setup(app: Flask) -> tuple[Client, Any]:
    organiser = new_organiser(app)
    return organiser, recruiting_programme(app, organiser)


def _apply(app: Flask, rec: Any, email: str = "ada@example.org", **kw: Any) -> dict[str, Any]:
    return Applicant(Client.for_app(app)).apply(rec.slug, "mentee", email, mentee_answers(), **kw)


def _link(app: Flask, instance: Path, pattern: re.Pattern[str]) -> str:
    deliver_mail(app)
    found = [m for text in outbox_texts(instance) for m in pattern.findall(text)]
    assert found, "no link mailed"
    return found[-1]


def test_the_calls_page_is_in_the_programmes_language(app: Flask, setup: Any) -> None:
    _organiser, rec = setup
    client = app.test_client()
    page = client.get(f"/apply/{rec.slug}", headers={"Accept-Language": "en"}).get_data(True)
    assert '<html lang="fi">' in page and "Hae mentoriksi" in page
    assert "Six months of mentoring for mentors." in page
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client)})
    page = client.get(f"/apply/{rec.slug}").get_data(True)
    assert '<html lang="en">' in page and "Apply as a mentor" in page


def test_an_english_programme_speaks_english(app: Flask) -> None:
    organiser = new_organiser(app)
    rec = recruiting_programme(app, organiser, name="Spring mentoring", language="en")
    page = app.test_client().get(f"/apply/{rec.slug}/mentee").get_data(True)
    assert '<html lang="en">' in page and "Why we ask:" in page
    assert "Järjestö ry" in page  # the programme's privacy notice is on the form


def test_the_form_asks_each_question_with_why_and_no_names_leave_it(app: Flask, setup: Any) -> None:
    _organiser, rec = setup
    page = app.test_client().get(f"/apply/{rec.slug}/mentor").get_data(True)
    for key in ("name", "languages", "field", "themes", "mode", "times", "capacity", "about"):
        assert f'data-key="{key}"' in page
    assert 'data-key="q:q1"' in page and "Employer" in page and "For pairs" in page
    assert page.count("Miksi kysymme:") >= 10
    # The answers' inputs sit in a fieldset the script enables: without it nothing is sent.
    assert '<fieldset class="plain" id="apply-fields" disabled>' in page
    mentee = app.test_client().get(f"/apply/{rec.slug}/mentee").get_data(True)
    assert 'data-key="capacity"' not in mentee


def test_without_script_the_form_explains_and_stores_nothing(
    app: Flask, instance: Path, setup: Any
) -> None:
    _organiser, rec = setup
    client = app.test_client()
    token = csrf_token(client, f"/apply/{rec.slug}/mentee")
    response = client.post(f"/apply/{rec.slug}/mentee", data={"csrf_token": token})
    assert response.status_code == 400 and "JavaScript" in response.get_data(True)
    assert sql(instance, "SELECT count(*) FROM applications")[0][0] == 0


def test_a_closed_call_has_a_clear_page(app: Flask, instance: Path, setup: Any) -> None:
    _organiser, rec = setup
    sql(instance, "UPDATE calls SET state = 'closed' WHERE role = 'mentor'")
    response = app.test_client().get(f"/apply/{rec.slug}/mentor")
    assert response.status_code == 409
    assert "Tämä haku on päättynyt" in response.get_data(True)
    calls_page = app.test_client().get(f"/apply/{rec.slug}").get_data(True)
    assert "Hae mentoriksi" not in calls_page and "Hae aktoriksi" in calls_page


def test_drafts_and_unknown_slugs_are_404(app: Flask, instance: Path, setup: Any) -> None:
    _organiser, rec = setup
    sql(instance, "UPDATE calls SET state = 'draft' WHERE role = 'mentor'")
    client = app.test_client()
    assert client.get(f"/apply/{rec.slug}/mentor").status_code == 404
    assert client.get(f"/apply/{rec.slug}/organiser").status_code == 404
    assert client.get("/apply/no-such-programme").status_code == 404
    assert client.get("/apply/status/not-a-token").status_code == 404
    assert client.get("/apply/update/not-a-token").status_code == 404


def test_the_acknowledgement_has_dates_next_steps_and_a_status_link(
    app: Flask, instance: Path, setup: Any
) -> None:
    _organiser, rec = setup
    _apply(app, rec, language="en")
    deliver_mail(app)
    ack = outbox_texts(instance)[-1]
    closes = (clock.now().date() + timedelta(days=10)).strftime("%B %-d, %Y")
    assert "Thank you for applying as a mentee in Kevään mentorointi" in ack
    assert closes in ack and "If no pair is found for you" in ack
    assert "Olga Organiser, olga@example.org" in ack
    assert STATUS.search(ack)


def test_the_programmes_own_acknowledgement_opens_the_mail_the_facts_stay(
    app: Flask, instance: Path, setup: Any
) -> None:
    """The message plan's acknowledgement, once the organiser edits it, is what an applicant
    reads first; the call's dates, the status link and the contact still follow."""
    _organiser, rec = setup
    conn = db.open_for_app(app)
    try:
        with db.transaction(conn):
            plan_queries.save_template(
                conn,
                rec.programme_id,
                "acknowledgement",
                "en",
                "We got it: {programme}",
                "Warm thanks from {organisation}! Our own words, written for {programme}.",
            )
    finally:
        conn.close()
    _apply(app, rec, language="en")
    deliver_mail(app)
    ack = outbox_texts(instance)[-1]
    assert "Subject: We got it: Kevään mentorointi" in ack
    assert "Our own words, written for Kevään mentorointi." in ack
    assert "Thank you for applying as a mentee" not in ack
    closes = (clock.now().date() + timedelta(days=10)).strftime("%B %-d, %Y")
    assert closes in ack and STATUS.search(ack) and "Olga Organiser, olga@example.org" in ack


def test_the_status_page_confirms_withdraws_and_deletes(
    app: Flask, instance: Path, setup: Any
) -> None:
    organiser, rec = setup
    sent = _apply(app, rec)
    link = _link(app, instance, STATUS)
    assert sql(instance, "SELECT confirmed_at FROM applications")[0][0] is None
    client: FlaskClient = app.test_client()
    page = client.get(link)
    assert page.status_code == 200 and "ada@example.org" in page.get_data(True)
    # The token in the address never leaves the site in a Referer.
    assert page.headers["Referrer-Policy"] in ("same-origin", "no-referrer")
    assert sql(instance, "SELECT confirmed_at FROM applications")[0][0] is not None
    token = csrf_token(client, link)
    withdrawn = client.post(f"{link}/withdraw", data={"csrf_token": token})
    assert "Peruttu" in withdrawn.get_data(True)
    assert sql(instance, "SELECT status FROM applications")[0][0] == "withdrawn"
    assert read_application(organiser, rec.programme_id, sent["application_id"])["status"] == (
        "withdrawn"
    )
    unsure = client.post(f"{link}/delete", data={"csrf_token": token})
    assert unsure.status_code == 400 and 'id="sure-error"' in unsure.get_data(True)
    assert sql(instance, "SELECT count(*) FROM applications")[0][0] == 1
    gone = client.post(f"{link}/delete", data={"csrf_token": token, "sure": "yes"})
    assert gone.status_code == 200
    for table in ("applications", "application_copies", "application_tokens"):
        assert sql(instance, f"SELECT count(*) FROM {table}")[0][0] == 0  # noqa: S608
    assert client.get(link).status_code == 404
    assert client.post(f"{link}/withdraw", data={"csrf_token": token}).status_code == 404


def test_withdraw_and_delete_need_the_csrf_token(app: Flask, instance: Path, setup: Any) -> None:
    _organiser, rec = setup
    _apply(app, rec)
    link = _link(app, instance, STATUS)
    client = app.test_client()
    assert client.post(f"{link}/withdraw").status_code == 400
    assert client.post(f"{link}/delete", data={"sure": "yes"}).status_code == 400
    assert sql(instance, "SELECT status FROM applications")[0][0] == "new"


def test_a_repeat_replaces_the_earlier_one_only_once_confirmed(
    app: Flask, instance: Path, setup: Any
) -> None:
    organiser, rec = setup
    first = _apply(app, rec)
    sql(instance, "UPDATE applications SET status = 'in_contact'")
    second = Applicant(Client.for_app(app)).apply(
        rec.slug, "mentee", "ADA@example.org", mentee_answers("uusi"), "en"
    )
    assert second["status"] == "confirm"
    link = _link(app, instance, UPDATE)
    client = app.test_client()
    page = client.get(link)  # a mail scanner opening it changes nothing
    assert page.status_code == 200
    assert [r[0] for r in sql(instance, "SELECT id FROM applications")] == [first["application_id"]]
    done = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert done.status_code == 200
    rows = sql(instance, "SELECT id, status, language, confirmed_at FROM applications")
    assert [(r[0], r[1], r[2]) for r in rows] == [(second["application_id"], "in_contact", "en")]
    assert rows[0][3] is not None
    opened = read_application(organiser, rec.programme_id, second["application_id"])
    assert opened["answers"] == mentee_answers("uusi")
    assert client.post(link, data={"csrf_token": csrf_token(client)}).status_code == 404
    deliver_mail(app)
    assert "was updated" in outbox_texts(instance)[-1]
    assert STATUS.search(outbox_texts(instance)[-1])
