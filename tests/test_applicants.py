"""The organiser's applicant list: the list API, status for many at once (paired leaves nothing
of the application), sealed notes, the all-or-nothing import of rows sealed on the device, group
messages through the outbox logged without their text, and 404 for everyone else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from memberclient.client import Client, ClientError
from memberclient.recruitment import Applicant, read_applications
from tests.conftest import csrf_token
from tests.helpers import (
    MENTEE,
    MENTOR,
    PASSPHRASE,
    deliver_mail,
    everything_on_disk,
    login_browserless,
    new_organiser,
    new_pair,
    outbox_texts,
    sql,
)
from tests.support.applicants import seal_note, sealed_rows
from tests.support.recruiting import Recruiting, mentee_answers, recruiting_programme

CANARY = "kanarianlaulu"


@pytest.fixture
def setup(app: Flask) -> tuple[Client, Recruiting, list[str]]:
    organiser = new_organiser(app)
    rec = recruiting_programme(app, organiser)
    ids = []
    for i, role in enumerate(("mentee", "mentee", "mentor")):
        answers = mentee_answers(CANARY) if role == "mentee" else {"name": f"Mentor {i}"}
        answer = Applicant(Client.for_app(app)).apply(
            rec.slug, role, f"person{i}@example.org", answers, "en" if i == 0 else "fi"
        )
        ids.append(answer["application_id"])
    return organiser, rec, ids


def _api(rec: Recruiting, tail: str = "") -> str:
    return f"/api/v1/organiser/programmes/{rec.programme_id}/applications{tail}"


def _web(client: FlaskClient, email: str, passphrase: str) -> FlaskClient:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login_browserless(client, email, passphrase).status_code == 200
    return client


def _one(organiser: Client, rec: Recruiting, application_id: str) -> dict[str, Any]:
    listed = organiser.request("GET", _api(rec))["applications"]
    return next(a for a in listed if a["application_id"] == application_id)


def _note(organiser: Client, rec: Recruiting, text: str) -> dict[str, Any]:
    return seal_note(organiser, rec.programme_id, text)


def test_the_list_carries_my_copies_and_opens_on_my_side(setup: Any) -> None:
    organiser, rec, ids = setup
    data = organiser.request("GET", _api(rec))
    assert sorted(a["application_id"] for a in data["applications"]) == sorted(ids)
    first = next(a for a in data["applications"] if a["application_id"] == ids[0])
    assert first["email"] == "person0@example.org" and first["status"] == "new"
    assert first["sealed"] and first["bundle"] and first["notes"] == []
    assert [o["user_id"] for o in data["organisers"]] == [organiser.user_id]
    opened = {a["application_id"]: a for a in read_applications(organiser, rec.programme_id)}
    assert opened[ids[0]]["answers"]["name"] == f"Ada {CANARY}"
    assert [a["role"] for a in read_applications(organiser, rec.programme_id, "mentor")] == [
        "mentor"
    ]
    assert organiser.request("GET", _api(rec, "?status=paired"))["applications"] == []


def test_status_for_many_at_once_and_a_foreign_id_changes_nothing(
    app: Flask, setup: Any, instance: Path
) -> None:
    organiser, rec, ids = setup
    answer = organiser.request(
        "POST", _api(rec, "/status"), {"application_ids": ids[:2], "status": "waiting"}
    )
    assert answer == {"status": "waiting", "changed": 2}
    statuses = [r[0] for r in sql(instance, "SELECT status FROM applications ORDER BY email")]
    assert statuses == ["waiting", "waiting", "new"]
    other = new_organiser(app, "other@example.org")
    elsewhere = recruiting_programme(app, other, name="Other programme")
    foreign = Applicant(Client.for_app(app)).apply(
        elsewhere.slug, "mentee", "x@example.org", mentee_answers()
    )["application_id"]
    with pytest.raises(ClientError) as caught:
        organiser.request(
            "POST",
            _api(rec, "/status"),
            {"application_ids": [ids[2], foreign], "status": "accepted"},
        )
    assert caught.value.status == 404
    assert sql(instance, "SELECT status FROM applications WHERE id = ?", ids[2])[0][0] == "new"
    assert sql(instance, "SELECT status FROM applications WHERE id = ?", foreign)[0][0] == "new"
    for bad in (
        {"application_ids": ids, "status": "maybe"},
        {"application_ids": [], "status": "accepted"},
        {"application_ids": ["../x"], "status": "accepted"},
        {"status": "accepted"},
    ):
        with pytest.raises(ClientError) as caught:
            organiser.request("POST", _api(rec, "/status"), bad)
        assert caught.value.status == 400


def test_a_note_is_sealed_for_every_organiser_and_listed(setup: Any, instance: Path) -> None:
    organiser, rec, ids = setup
    note = _note(organiser, rec, f"Good fit {CANARY}")
    path = _api(rec, f"/{ids[0]}/notes")
    assert organiser.request("POST", path, note) == {"note_id": note["note_id"]}
    with pytest.raises(ClientError) as caught:
        organiser.request("POST", path, note)
    assert caught.value.status == 409
    listed = _one(organiser, rec, ids[0])["notes"]
    assert [n["note_id"] for n in listed] == [note["note_id"]]
    assert listed[0]["author_id"] == organiser.user_id and listed[0]["sealed"]
    for bad in ({"note_id": "n1", "copies": []}, {"note_id": "n2"}, {"copies": note["copies"]}):
        with pytest.raises(ClientError) as caught:
            organiser.request("POST", path, bad)
        assert caught.value.status == 400
    assert sql(instance, "SELECT count(*) FROM application_notes")[0][0] == 1
    assert CANARY not in everything_on_disk(instance)


def test_paired_leaves_nothing_of_the_application(setup: Any, instance: Path) -> None:
    organiser, rec, ids = setup
    organiser.request("POST", _api(rec, f"/{ids[0]}/notes"), _note(organiser, rec, "n"))
    organiser.request(
        "POST", _api(rec, "/status"), {"application_ids": [ids[0]], "status": "paired"}
    )
    for table in ("application_copies", "application_tokens", "application_notes"):
        query = f"SELECT count(*) FROM {table} WHERE application_id = ?"  # noqa: S608
        assert sql(instance, query, ids[0])[0][0] == 0, table
    assert sql(instance, "SELECT bundle FROM applications WHERE id = ?", ids[0])[0][0] is None
    listed = _one(organiser, rec, ids[0])
    assert listed["sealed"] is None and listed["bundle"] is None and listed["notes"] == []
    with pytest.raises(ClientError) as caught:
        organiser.request("POST", _api(rec, f"/{ids[0]}/notes"), _note(organiser, rec, "n"))
    assert caught.value.status == 409


def _import_rows(organiser: Client, rec: Recruiting, n: int) -> list[dict[str, Any]]:
    emails = [f"new{i}@example.org" for i in range(n)]
    return sealed_rows(organiser, rec.programme_id, mentee_answers(CANARY), emails)


def test_import_is_all_or_nothing_with_the_problem_of_each_row(setup: Any, instance: Path) -> None:
    organiser, rec, _ids = setup
    rows = _import_rows(organiser, rec, 5)
    rows[1]["email"] = "not an address"
    rows[3]["email"] = "person1@example.org"  # already applied as a mentee
    rows[4]["role"] = "boss"
    with pytest.raises(ClientError) as caught:
        organiser.request("POST", _api(rec, "/import"), {"applications": rows})
    assert caught.value.status == 400
    problems = {(p["row"], p["field"]) for p in caught.value.body["rows"]}
    assert problems == {(2, "email"), (4, "email"), (5, "role")}
    assert sql(instance, "SELECT count(*) FROM applications")[0][0] == 3
    rows = _import_rows(organiser, rec, 4)
    rows[3]["email"] = rows[0]["email"].upper()
    with pytest.raises(ClientError) as caught:
        organiser.request("POST", _api(rec, "/import"), {"applications": rows})
    assert [(p["row"], p["field"]) for p in caught.value.body["rows"]] == [(4, "email")]
    rows = rows[:3]
    assert organiser.request("POST", _api(rec, "/import"), {"applications": rows}) == {
        "imported": 3
    }
    sources = sql(instance, "SELECT source, count(*) FROM applications GROUP BY source")
    assert sorted(map(tuple, sources)) == [("form", 3), ("import", 3)]
    opened = {a["application_id"]: a for a in read_applications(organiser, rec.programme_id)}
    assert opened[rows[0]["application_id"]]["answers"]["name"] == f"Ada {CANARY}"
    with pytest.raises(ClientError) as caught:  # the same ids again
        organiser.request("POST", _api(rec, "/import"), {"applications": rows})
    assert caught.value.status == 400
    with pytest.raises(ClientError) as caught:
        organiser.request("POST", _api(rec, "/import"), {"applications": []})
    assert caught.value.status == 400
    assert CANARY not in everything_on_disk(instance)


def test_group_message_goes_through_the_outbox_and_is_logged_without_text(
    app: Flask, setup: Any, instance: Path
) -> None:
    organiser, rec, ids = setup
    organiser.request(
        "POST", _api(rec, "/status"), {"application_ids": ids[:2], "status": "not_selected"}
    )
    deliver_mail(app)
    before = len(outbox_texts(instance))
    web = _web(app.test_client(), "org@example.org", PASSPHRASE)
    url = f"/organiser/programmes/{rec.programme_id}/applicants/message"
    page = web.get(url).get_data(as_text=True)
    assert "Not selected: 2" in page
    response = web.post(
        url,
        data={
            "csrf_token": csrf_token(web, url),
            "status": "not_selected",
            "role": "",
            "subject": "Thank you",
            "text": "We could not find a pair for you this time. Sorry!",
        },
    )
    assert response.status_code == 303
    assert sql(instance, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0] == 2
    deliver_mail(app)
    mails = outbox_texts(instance)[before:]
    assert len(mails) == 2
    assert all("Kevään mentorointi" in m and "olga@example.org" in m for m in mails)
    assert all("We could not find a pair for you" in m for m in mails)
    assert {m.split("\n")[0] for m in mails} == {
        "To: person0@example.org",
        "To: person1@example.org",
    }
    english = next(m for m in mails if "person0" in m)
    assert "You get this message because you applied to Kevään mentorointi." in english
    logged = sql(instance, "SELECT status_group, recipients, sent_by FROM applicant_mailings")
    assert [tuple(r) for r in logged] == [("not_selected", 2, organiser.user_id)]
    assert "Thank you" not in json.dumps(
        [tuple(r) for r in sql(instance, "SELECT * FROM applicant_mailings")]
    )
    listing = web.get(url).get_data(as_text=True)
    assert "Messages sent" in listing and "Not selected" in listing
    # An empty group and an empty text are refused at their fields; nothing is queued.
    for data in (
        {"status": "paired", "subject": "x", "text": "y"},
        {"status": "new", "subject": "", "text": ""},
    ):
        response = web.post(url, data={"csrf_token": csrf_token(web, url), "role": "", **data})
        assert response.status_code == 400
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert sql(instance, "SELECT count(*) FROM applicant_mailings")[0][0] == 1


def test_pages_list_filter_and_change_status_without_javascript(
    app: Flask, setup: Any, instance: Path
) -> None:
    _organiser, rec, ids = setup
    web = _web(app.test_client(), "org@example.org", PASSPHRASE)
    base = f"/organiser/programmes/{rec.programme_id}/applicants"
    page = web.get(base).get_data(as_text=True)
    assert all(f"person{i}@example.org" in page for i in range(3))
    assert CANARY not in page
    filtered = web.get(base + "?role=mentor").get_data(as_text=True)
    assert "person2@example.org" in filtered and "person0@example.org" not in filtered
    fragment = web.get(base + "?status=new", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith("{#") is False
    assert 'id="applicant-rows"' in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    token = csrf_token(web, base)
    response = web.post(
        base + "/status",
        data={"csrf_token": token, "application_ids": ids[:2], "new_status": "accepted"},
    )
    assert response.status_code == 303
    assert "2 applicants now have the status Accepted." in web.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    response = web.post(base + "/status", data={"csrf_token": token, "new_status": "accepted"})
    assert response.status_code == 400
    assert "Tick at least one applicant first." in response.get_data(as_text=True)
    one = web.get(f"{base}/{ids[0]}").get_data(as_text=True)
    assert "person0@example.org" in one and 'id="answers"' in one
    response = web.post(
        f"{base}/{ids[0]}/status", data={"csrf_token": token, "new_status": "in_contact"}
    )
    assert response.status_code == 303
    assert (
        sql(instance, "SELECT status FROM applications WHERE id = ?", ids[0])[0][0] == "in_contact"
    )
    assert web.get(base + "/import").status_code == 200


def test_everyone_else_gets_404_on_every_route(app: Flask, setup: Any, instance: Path) -> None:
    organiser, rec, ids = setup
    pair = new_pair(app, organiser)
    member = Client.for_app(app)
    member.register(pair.mentor_link, MENTOR[1], "Maija")
    new_organiser(app, "other@example.org")
    other = _web(app.test_client(), "other@example.org", PASSPHRASE)
    mentor = _web(app.test_client(), MENTOR[0], MENTOR[1])
    assert MENTEE  # the pair's mentee has not joined; the mentor stands for members
    page = f"/organiser/programmes/{rec.programme_id}/applicants"
    api = _api(rec)
    gets = [page, f"{page}/{ids[0]}", f"{page}/message", f"{page}/import", api]
    posts = {
        f"{page}/status": {"application_ids": ids[0], "new_status": "paired"},
        f"{page}/{ids[0]}/status": {"new_status": "paired"},
        f"{page}/message": {"status": "new", "subject": "s", "text": "t"},
    }
    api_posts = {
        f"{api}/status": {"application_ids": [ids[0]], "status": "paired"},
        f"{api}/{ids[0]}/notes": {"note_id": "abc", "copies": []},
        f"{api}/import": {"applications": []},
    }
    for client in (other, mentor):
        token = csrf_token(client)
        for url in gets:
            assert client.get(url).status_code == 404, url
        for url, data in posts.items():
            assert client.post(url, data={"csrf_token": token, **data}).status_code == 404, url
        for url, data in api_posts.items():
            response = client.post(url, json=data, headers={"X-CSRFToken": token})
            assert response.status_code == 404, url
    mine = _web(app.test_client(), "org@example.org", PASSPHRASE)
    assert mine.get(f"{page}/nope").status_code == 404
    assert mine.get("/organiser/programmes/nope/applicants").status_code == 404
    response = mine.post(
        f"{api}/nope/notes",
        json={"note_id": "abc", "copies": []},
        headers={"X-CSRFToken": csrf_token(mine)},
    )
    assert response.status_code == 404
    assert sql(instance, "SELECT count(*) FROM applications WHERE status = 'new'")[0][0] == 3
    assert sql(instance, "SELECT count(*) FROM applicant_mailings")[0][0] == 0


def test_status_change_answers_htmx_with_the_rows_and_announces_it(
    app: Flask, setup: Any, instance: Path
) -> None:
    _organiser, rec, ids = setup
    web = _web(app.test_client(), "org@example.org", PASSPHRASE)
    base = f"/organiser/programmes/{rec.programme_id}/applicants"
    response = web.post(
        base + "/status",
        data={
            "csrf_token": csrf_token(web, base),
            "application_ids": [ids[1]],
            "new_status": "waiting",
            "role": "mentee",
            "status_filter": "",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "HX-Request" in response.headers.get("Vary", "")
    text = response.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="applicant-rows">') and "<html" not in text
    assert '<div id="announce" hx-swap-oob="innerHTML">' in text
    assert "1 applicant now has the status Waiting list." in text
    assert "person2@example.org" not in text  # the mentee filter is kept
    assert sql(instance, "SELECT status FROM applications WHERE id = ?", ids[1])[0][0] == "waiting"
    refused = web.post(
        base + "/status",
        data={"application_ids": [ids[0]], "new_status": "paired"},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 400
    assert sql(instance, "SELECT status FROM applications WHERE id = ?", ids[0])[0][0] == "new"
