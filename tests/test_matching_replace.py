"""Replacing a partner from the waiting list: the role a member left (or was removed from) is
filled with an applicant of the pool in one step (invitation, "a pair has been found for you",
the application marked paired, the remaining member told) or nothing changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from memberclient.client import Client, ClientError
from memberclient.recruitment import Applicant
from tests.helpers import (
    PASSPHRASE,
    csrf_token,
    login_browserless,
    new_organiser,
    outbox_texts,
    sql,
)
from tests.support.recruiting import recruiting_programme

CANARY = "pajulintu"


@pytest.fixture
def vacancy(app: Flask, instance: Path) -> dict[str, Any]:
    """A programme with one pair (mentor0, mentee0) whose mentee was removed, and a pool: the
    mentees 1–3 and mentor 1 on the waiting list."""
    organiser = new_organiser(app)
    rec = recruiting_programme(app, organiser)
    ids: dict[str, list[str]] = {"mentor": [], "mentee": []}
    for role, count in (("mentor", 2), ("mentee", 4)):
        for n in range(count):
            answers = {"name": f"{role} {n} {CANARY}", "languages": ["fi"]}
            got = Applicant(Client.for_app(app)).apply(
                rec.slug, role, f"{role}{n}@example.org", answers, "en"
            )
            ids[role].append(got["application_id"])
    base = f"/api/v1/organiser/programmes/{rec.programme_id}/matching"
    rest = ids["mentee"][1:] + ids["mentor"][1:]
    made = organiser.request(
        "POST",
        f"{base}/pairs",
        {
            "pairs": [
                {
                    "mentor_application_id": ids["mentor"][0],
                    "mentee_application_id": ids["mentee"][0],
                }
            ],
            "rest": {"status": "waiting", "application_ids": rest},
        },
    )
    pair_id = sql(instance, "SELECT id FROM pairs WHERE code = ?", made["pairs"][0])
    org = app.test_client()
    org.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_browserless(org, "org@example.org", PASSPHRASE)
    url = f"/organiser/pairs/{pair_id[0][0]}/mentee/remove"
    assert org.post(url, data={"csrf_token": csrf_token(org, url)}).status_code == 303
    return {
        "organiser": organiser,
        "rec": rec,
        "ids": ids,
        "pair_id": pair_id[0][0],
        "url": f"{base}/pairs/{pair_id[0][0]}",
    }


def _state(instance: Path) -> tuple[Any, ...]:
    return (
        sorted(tuple(r) for r in sql(instance, "SELECT pair_id, role, user_id FROM pair_members")),
        sql(instance, "SELECT count(*) FROM invitations")[0][0],
        sql(instance, "SELECT count(*) FROM outbox")[0][0],
        sorted(tuple(r) for r in sql(instance, "SELECT id, status FROM applications")),
    )


def test_a_waiting_mentee_fills_the_place(vacancy: dict[str, Any], instance: Path) -> None:
    organiser, ids = vacancy["organiser"], vacancy["ids"]
    last = sql(instance, "SELECT max(id) FROM outbox")[0][0]
    done = organiser.request(
        "POST", f"{vacancy['url']}/mentee", {"application_id": ids["mentee"][2]}
    )
    assert done["role"] == "mentee"
    statuses = dict(sql(instance, "SELECT id, status FROM applications"))
    assert statuses[ids["mentee"][2]] == "paired"
    assert statuses[ids["mentee"][1]] == "waiting" and statuses[ids["mentor"][1]] == "waiting"
    copies = "SELECT count(*) FROM application_copies WHERE application_id = ?"
    assert sql(instance, copies, ids["mentee"][2])[0][0] == 0  # nothing of it stays
    members = sql(
        instance,
        "SELECT m.role, u.email FROM pair_members m JOIN users u ON u.id = m.user_id "
        "WHERE m.pair_id = ? ORDER BY m.role",
        vacancy["pair_id"],
    )
    assert [tuple(m) for m in members] == [
        ("mentee", "mentee2@example.org"),
        ("mentor", "mentor0@example.org"),
    ]
    mails = sql(instance, "SELECT to_addr, subject, body FROM outbox WHERE id > ?", last)
    to_new = [m for m in mails if m[0] == "mentee2@example.org"]
    assert len(to_new) == 2
    assert any("/join/" in m[2] for m in to_new)
    assert any("a pair has been found for you" in m[1] for m in to_new)
    assert all("olga@example.org" in m[2] for m in to_new if "/join/" not in m[2])
    assert CANARY not in "".join(outbox_texts(instance))
    # The place is taken now: a second choice changes nothing.
    before = _state(instance)
    with pytest.raises(ClientError) as err:
        organiser.request("POST", f"{vacancy['url']}/mentee", {"application_id": ids["mentee"][1]})
    assert err.value.status == 409
    assert _state(instance) == before


def test_bad_choices_change_nothing(vacancy: dict[str, Any], app: Flask, instance: Path) -> None:
    organiser, ids, url = vacancy["organiser"], vacancy["ids"], vacancy["url"]
    before = _state(instance)
    for tail, application, status, field in (
        ("mentee", ids["mentor"][1], 400, "pairs"),  # a mentor's application for the mentee's place
        ("mentee", ids["mentee"][0], 400, "pairs"),  # already paired
        ("mentee", "0" * 32, 400, "pairs"),  # no such application
        ("mentor", ids["mentor"][1], 409, "pair"),  # the mentor's place is not free
    ):
        with pytest.raises(ClientError) as err:
            organiser.request("POST", f"{url}/{tail}", {"application_id": application})
        assert err.value.status == status, tail
        assert err.value.body["field"] == field
    for bad in ({}, {"application_id": 7}, {"application_id": "x" * 300}):
        with pytest.raises(ClientError) as err:
            organiser.request("POST", f"{url}/mentee", bad)
        assert err.value.status == 400
    assert _state(instance) == before


def test_other_people_get_a_404(vacancy: dict[str, Any], app: Flask, instance: Path) -> None:
    ids, url = vacancy["ids"], vacancy["url"]
    other = new_organiser(app, "other@example.org")
    before = _state(instance)
    choice = {"application_id": ids["mentee"][1]}
    for caller, path in (
        (other, f"{url}/mentee"),
        (vacancy["organiser"], f"{url}/partner"),
        (vacancy["organiser"], f"{url.rsplit('/', 1)[0]}/{'0' * 32}/mentee"),
    ):
        with pytest.raises(ClientError) as err:
            caller.request("POST", path, choice)
        assert err.value.status == 404, path
    anonymous = Client.for_app(app)
    with pytest.raises(ClientError) as err:
        anonymous.request("POST", f"{url}/mentee", choice)
    assert err.value.status in (401, 403)
    assert _state(instance) == before
