"""Matching on the server: the organiser's criteria (checked, stored, weights only) and the one
step that creates the chosen pairs with invitations, marks the applicants paired, queues the
mails and gives the rest their status — all in one transaction, nothing half done on a failure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from memberclient.client import Client, ClientError
from memberclient.recruitment import Applicant
from tests.helpers import new_organiser, outbox_texts, sql
from tests.support.recruiting import Recruiting, recruiting_programme

CANARY = "lumikuningatar"


@pytest.fixture
def setup(app: Flask) -> tuple[Client, Recruiting, dict[str, list[str]]]:
    organiser = new_organiser(app)
    rec = recruiting_programme(app, organiser)
    ids: dict[str, list[str]] = {"mentor": [], "mentee": []}
    for role, count in (("mentor", 2), ("mentee", 4)):
        for n in range(count):
            answers = {"name": f"{role} {n} {CANARY}", "languages": ["fi"]}
            got = Applicant(Client.for_app(app)).apply(
                rec.slug, role, f"{role}{n}@example.org", answers, "en" if n == 0 else "fi"
            )
            ids[role].append(got["application_id"])
    return organiser, rec, ids


def _url(rec: Recruiting, tail: str) -> str:
    return f"/api/v1/organiser/programmes/{rec.programme_id}/matching/{tail}"


def _state(instance: Path) -> tuple[Any, ...]:
    return (
        sql(instance, "SELECT count(*) FROM pairs")[0][0],
        sql(instance, "SELECT count(*) FROM invitations")[0][0],
        sql(instance, "SELECT count(*) FROM outbox")[0][0],
        sorted(tuple(r) for r in sql(instance, "SELECT id, status FROM applications")),
        sql(instance, "SELECT count(*) FROM application_copies")[0][0],
    )


def _criteria() -> dict[str, Any]:
    return {
        "language": {"mode": "must", "weight": 5},
        "field": {"mode": "weight", "weight": 3, "aim": "different"},
        "themes": {"mode": "weight", "weight": 4},
        "mode": {"mode": "off", "weight": 2},
        "times": {"mode": "weight", "weight": 0},
        "questions": {"q2:q2": {"mode": "weight", "weight": 1, "aim": "same"}},
        "preferences": [],
    }


def test_criteria_are_stored_per_programme_and_checked(setup: Any, instance: Path) -> None:
    organiser, rec, _ids = setup
    assert organiser.request("GET", _url(rec, "criteria")) == {"criteria": None}
    saved = organiser.request("PUT", _url(rec, "criteria"), {"criteria": _criteria()})
    assert saved["criteria"] == _criteria()
    assert organiser.request("GET", _url(rec, "criteria"))["criteria"] == _criteria()
    for bad, field in (
        ({**_criteria(), "field": {"mode": "weight", "weight": 3, "aim": "opposite"}}, "field"),
        ({**_criteria(), "themes": {"mode": "weight", "weight": 11}}, "themes"),
        ({**_criteria(), "language": {"mode": "maybe", "weight": 1}}, "language"),
        ({**_criteria(), "questions": {"name": {"mode": "off", "weight": 1}}}, "questions"),
        ({**_criteria(), "preferences": [{"mentee": "q1"}]}, "preferences.0"),
    ):
        with pytest.raises(ClientError) as err:
            organiser.request("PUT", _url(rec, "criteria"), {"criteria": bad})
        assert err.value.status == 400 and err.value.body["field"] == field
    assert organiser.request("GET", _url(rec, "criteria"))["criteria"] == _criteria()
    assert sql(instance, "SELECT count(*) FROM matching_criteria")[0][0] == 1


def test_create_pairs_forms_invites_marks_and_mails(setup: Any, instance: Path) -> None:
    organiser, rec, ids = setup
    mentors, mentees = ids["mentor"], ids["mentee"]
    before = _state(instance)
    last = sql(instance, "SELECT max(id) FROM outbox")[0][0]
    answer = organiser.request(
        "POST",
        _url(rec, "pairs"),
        {
            "pairs": [
                {"mentor_application_id": mentors[0], "mentee_application_id": mentees[0]},
                {"mentor_application_id": mentors[0], "mentee_application_id": mentees[1]},
                {"mentor_application_id": mentors[1], "mentee_application_id": mentees[2]},
            ],
            "rest": {"status": "waiting", "application_ids": [mentees[3]]},
        },
    )
    assert len(answer["pairs"]) == 3 and answer["rest"] == 1
    after = _state(instance)
    assert after[0] == before[0] + 3 and after[1] == before[1] + 6
    statuses = dict(sql(instance, "SELECT id, status FROM applications"))
    assert {statuses[i] for i in mentors + mentees[:3]} == {"paired"}
    assert statuses[mentees[3]] == "waiting"
    # Paired: nothing of the application stays (its copies and bundle go).
    assert (
        sql(
            instance, "SELECT count(*) FROM application_copies WHERE application_id = ?", mentees[0]
        )[0][0]
        == 0
    )
    mails = sql(instance, "SELECT to_addr, subject, body FROM outbox WHERE id > ?", last)
    invitations = [m for m in mails if "/join/" in m[2]]
    assert len(invitations) == 6
    found = [m for m in mails if "/join/" not in m[2] and m[0] != "mentee3@example.org"]
    assert sorted(m[0] for m in found) == sorted(
        [
            "mentor0@example.org",
            "mentor1@example.org",
            "mentee0@example.org",
            "mentee1@example.org",
            "mentee2@example.org",
        ]
    )
    assert all("olga@example.org" in m[2] and "Kevään mentorointi" in m[2] for m in found)
    waiting = [m for m in mails if m[0] == "mentee3@example.org"]
    assert len(waiting) == 1 and "Kevään mentorointi" in waiting[0][2]
    assert len(mails) == 6 + 5 + 1
    assert CANARY not in "".join(outbox_texts(instance))


def test_nothing_half_done_when_a_check_fails(setup: Any, instance: Path) -> None:
    organiser, rec, ids = setup
    mentors, mentees = ids["mentor"], ids["mentee"]
    before = _state(instance)
    good = {"mentor_application_id": mentors[0], "mentee_application_id": mentees[0]}
    cases = [
        # A mentee in two pairs.
        [good, {"mentor_application_id": mentors[1], "mentee_application_id": mentees[0]}],
        # Roles the wrong way round.
        [good, {"mentor_application_id": mentees[1], "mentee_application_id": mentors[1]}],
        # An application of another programme / unknown.
        [good, {"mentor_application_id": mentors[1], "mentee_application_id": "x" * 22}],
    ]
    for pairs in cases:
        with pytest.raises(ClientError) as err:
            organiser.request("POST", _url(rec, "pairs"), {"pairs": pairs})
        assert err.value.status == 400, err.value.body
    with pytest.raises(ClientError) as err:
        organiser.request(
            "POST",
            _url(rec, "pairs"),
            {"pairs": [good], "rest": {"status": "waiting", "application_ids": [mentees[0]]}},
        )
    assert err.value.body["field"] == "rest"
    with pytest.raises(ClientError) as err:
        organiser.request(
            "POST", _url(rec, "pairs"), {"pairs": [good], "rest": {"status": "paired"}}
        )
    assert err.value.body["field"] == "rest.status"
    assert _state(instance) == before


def test_nothing_half_done_when_a_late_step_fails(
    setup: Any, instance: Path, monkeypatch: pytest.MonkeyPatch, app: Flask
) -> None:
    """The pairs and invitations are made and the first mails queued when the status change
    breaks: the transaction takes every bit of it back."""
    organiser, rec, ids = setup
    from workspace.matching import forming

    def broken(*_args: Any, **_kwargs: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(forming.applicants, "change_status", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    before = _state(instance)
    with pytest.raises(ClientError) as err:
        organiser.request(
            "POST",
            _url(rec, "pairs"),
            {
                "pairs": [
                    {
                        "mentor_application_id": ids["mentor"][0],
                        "mentee_application_id": ids["mentee"][0],
                    }
                ],
                "rest": {"status": "not_selected", "application_ids": [ids["mentee"][1]]},
            },
        )
    assert err.value.status == 500
    assert _state(instance) == before


def test_someone_elses_programme_is_a_404(setup: Any, app: Flask) -> None:
    _organiser, rec, ids = setup
    other = new_organiser(app, "other@example.org")
    for method, tail, data in (
        ("GET", "criteria", None),
        ("PUT", "criteria", {"criteria": _criteria()}),
        (
            "POST",
            "pairs",
            {
                "pairs": [
                    {
                        "mentor_application_id": ids["mentor"][0],
                        "mentee_application_id": ids["mentee"][0],
                    }
                ]
            },
        ),
    ):
        with pytest.raises(ClientError) as err:
            other.request(method, _url(rec, tail), data)
        assert err.value.status == 404


def test_the_demo_makes_a_recruiting_programme_matchable(setup: Any, app: Flask) -> None:
    from workspace.demo import _matching

    organiser, rec, _ids = setup
    paths = _matching(app, organiser)
    assert paths == [f"/organiser/programmes/{rec.programme_id}/matching"]
    saved = organiser.request("GET", _url(rec, "criteria"))["criteria"]
    assert saved["themes"]["weight"] == 6 and saved["language"]["mode"] == "must"
