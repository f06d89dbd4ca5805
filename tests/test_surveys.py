"""Follow-up surveys on the server: the three surveys go at their days (clock driven) to
everyone, in their language, with exactly one reminder to those who have not answered; answers
arrive sealed, once per person (a retry of the same answer is recognised, a second is refused);
those whose pair ended answer by a single-use link without an account; the answered record and
the sealed answers cannot be joined; the organiser sees counts only from five answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask

from memberclient.client import Client, ClientError
from memberclient.surveys import answer_survey, read_survey_answers, seal_answer
from tests.helpers import ORGANISER, PRIVACY, deliver_mail, open_db, outbox_texts, sql
from tests.survey_support import (
    LINK,
    cohort,
    member_email,
    member_password,
    mid_date,
    run_jobs,
    survey_id,
    travel_to,
)
from workspace.core import clock
from workspace.surveys import definitions, queries


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    yield
    clock.reset()


def _survey_mails(instance: Path) -> list[str]:
    return [t for t in outbox_texts(instance) if "/survey" in t]


def _mails_to(texts: list[str], address: str) -> list[str]:
    return [t for t in texts if t.startswith(f"To: {address}\n")]


ANSWERS = {"q1": 4, "q2": "We set two goals", "q4": ["o1", "o3"], "q5": "o2"}


def test_midpoint_goes_at_its_day_once_then_one_reminder_to_who_did_not_answer(
    app: Flask, instance: Path
) -> None:
    c = cohort(app, 4)
    run_jobs(app)
    conn = open_db(instance)
    try:
        days = queries.schedule(conn, c.programme_id)
        programme = conn.execute(
            "SELECT * FROM programmes WHERE id = ?", (c.programme_id,)
        ).fetchone()
    finally:
        conn.close()
    end = date.fromisoformat(programme["end_date"])
    assert days == {
        "midpoint": date.fromisoformat(programme["mid_date"]),
        "end": end,
        "longterm": end + timedelta(days=definitions.LONGTERM_DAYS),
    }
    deliver_mail(app)
    assert _survey_mails(instance) == [], "nothing before the day"

    travel_to(mid_date(instance, c.programme_id) - timedelta(days=1))
    run_jobs(app)
    deliver_mail(app)
    assert _survey_mails(instance) == [], "nothing the day before"
    travel_to(mid_date(instance, c.programme_id))
    run_jobs(app)
    run_jobs(app)
    deliver_mail(app)
    sent = _survey_mails(instance)
    assert len(sent) == 8, "once to each of the eight members"
    sid = survey_id(instance, c.programme_id, "midpoint")
    for text in sent:
        assert f"/surveys/{sid}" in text
        assert "Spring programme" in text and PRIVACY["privacy_contact"] in text
    # The programme is Finnish: the mail is, too.
    assert "Väliarviointikysely" in sent[0]

    # Six answer; a retry of the same answer is the same answer; a second one is refused.
    answerers = [member_email(r, n) for n in (1, 2, 3) for r in ("mentor", "mentee")]
    for address in answerers:
        member = c.members[address]
        member.login(address, member_password(address))
        assert answer_survey(member, sid, ANSWERS)["status"] == "stored"
    first = c.members[answerers[0]]
    info = first.request("GET", f"/api/v1/surveys/{sid}")
    again = seal_answer(c.programme_id, "midpoint", info["role"], ANSWERS, info["organisers"])
    with pytest.raises(ClientError) as refused:
        first.request("POST", f"/api/v1/surveys/{sid}/answers", again)
    assert refused.value.status == 409
    assert sql(instance, "SELECT COUNT(*) FROM survey_answers")[0][0] == 6

    # Not yet the reminder; then exactly one, only to the two who did not answer.
    before = len(outbox_texts(instance))
    travel_to(mid_date(instance, c.programme_id) + timedelta(days=6))
    run_jobs(app)
    deliver_mail(app)
    assert len(outbox_texts(instance)) == before
    travel_to(mid_date(instance, c.programme_id) + timedelta(days=7))
    run_jobs(app)
    run_jobs(app)
    deliver_mail(app)
    reminders = outbox_texts(instance)[before:]
    assert sorted(t.split("\n")[0] for t in reminders) == sorted(
        f"To: {member_email(r, 4)}" for r in ("mentor", "mentee")
    )
    travel_to(mid_date(instance, c.programme_id) + timedelta(days=30))
    run_jobs(app)
    deliver_mail(app)
    assert len(outbox_texts(instance)) == before + 2, "one reminder, never a second"

    # The organiser opens six answers; the survey counts 6 of 8.
    c.organiser.login(*ORGANISER)
    bodies = read_survey_answers(c.organiser, c.programme_id, "midpoint")
    assert len(bodies) == 6 and all(b["answers"] == ANSWERS for b in bodies)
    assert sorted(b["role"] for b in bodies) == ["mentee"] * 3 + ["mentor"] * 3
    assert all(b["signed"] is None for b in bodies)


def test_the_same_answer_twice_is_stored_once(app: Flask, instance: Path) -> None:
    c = cohort(app, 1)
    run_jobs(app)
    travel_to(mid_date(instance, c.programme_id))
    run_jobs(app)
    sid = survey_id(instance, c.programme_id, "midpoint")
    address = member_email("mentee", 1)
    member = c.members[address]
    member.login(address, member_password(address))
    info = member.request("GET", f"/api/v1/surveys/{sid}")
    sealed = seal_answer(c.programme_id, "midpoint", "mentee", ANSWERS, info["organisers"])
    member.request("POST", f"/api/v1/surveys/{sid}/answers", sealed)
    # The connection dropped after the server stored it: the browser sends it again.
    assert member.request("POST", f"/api/v1/surveys/{sid}/answers", sealed)["status"] == "stored"
    assert sql(instance, "SELECT COUNT(*) FROM survey_answers")[0][0] == 1
    assert sql(instance, "SELECT COUNT(*) FROM survey_responses")[0][0] == 1
    # A badly sealed answer changes nothing.
    with pytest.raises(ClientError) as bad:
        member.request(
            "POST", f"/api/v1/surveys/{sid}/answers", {**sealed, "copies": sealed["copies"][:0]}
        )
    assert bad.value.status in (400, 409)
