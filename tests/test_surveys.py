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
from tests.helpers import ORGANISER, PRIVACY, deliver_mail, open_db, outbox_texts, read_log, sql
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


def _end_pair(instance: Path, pair_id: str) -> None:
    sql(instance, "UPDATE pairs SET ended_at = '2020-01-01T00:00:00Z' WHERE id = ?", pair_id)


def test_long_term_survey_reaches_an_ended_pair_by_a_single_use_link_without_an_account(
    app: Flask, instance: Path
) -> None:
    c = cohort(app, 1)
    run_jobs(app)
    _end_pair(instance, c.pair_ids[0])
    day = sql(instance, "SELECT end_date FROM programmes WHERE id = ?", c.programme_id)[0][0]
    travel_to(date.fromisoformat(day) + timedelta(days=definitions.LONGTERM_DAYS))
    deliver_mail(app)
    before = len(outbox_texts(instance))
    run_jobs(app)
    deliver_mail(app)
    mails = [t for t in outbox_texts(instance)[before:] if "/survey/" in t]
    # Only the long-term survey: the mid-point and end days passed long ago, unsent.
    assert len(mails) == 2, mails
    link = LINK.search(mails[0]).group(1)
    token = link.rsplit("/", 1)[1]
    anyone = app.test_client()
    page = anyone.get(link)
    assert page.status_code == 200 and 'id="survey-form"' in page.get_data(as_text=True)
    # No account, no sign-in: a fresh client seals and sends through the link.
    stranger = Client.for_app(app)
    role = "mentor" if "mentor1@" in mails[0].split("\n")[0] else "mentee"
    organisers = [
        {"user_id": r[0], "bundle": __import__("json").loads(r[1])}
        for r in sql(
            instance,
            "SELECT o.user_id, k.bundle FROM programme_organisers o "
            "JOIN key_material k ON k.user_id = o.user_id WHERE o.programme_id = ?",
            c.programme_id,
        )
    ]
    sealed = seal_answer(c.programme_id, "longterm", role, {"q1": "o1", "q3": 5}, organisers)
    assert stranger.request("POST", f"/api/v1/survey-links/{token}/answers", sealed)
    used = anyone.get(link)
    assert used.status_code == 410 and 'id="survey-used"' in used.get_data(as_text=True)
    assert anyone.get(link + "?sent=1").status_code == 200
    second = seal_answer(c.programme_id, "longterm", role, {"q1": "o2"}, organisers)
    with pytest.raises(ClientError) as refused:
        stranger.request("POST", f"/api/v1/survey-links/{token}/answers", second)
    assert refused.value.status == 409
    assert anyone.get("/survey/forged-token-abc").status_code == 404
    # The link expires.
    clock.travel(timedelta(days=90))
    other = LINK.search(mails[1]).group(1)
    assert anyone.get(other).status_code == 404
    log = read_log(instance)
    assert token not in log and "/survey/" + token not in log


def test_the_answered_record_and_the_sealed_answers_cannot_be_joined(
    app: Flask, instance: Path
) -> None:
    c = cohort(app, 3)
    run_jobs(app)
    travel_to(mid_date(instance, c.programme_id))
    run_jobs(app)
    sid = survey_id(instance, c.programme_id, "midpoint")
    order = [member_email(r, n) for n in (3, 1, 2) for r in ("mentee", "mentor")]
    for address in order:
        member = c.members[address]
        member.login(address, member_password(address))
        answer_survey(member, sid, {"q1": 3})
    schema = {
        r[0]: r[1] for r in sql(instance, "SELECT name, sql FROM sqlite_master WHERE type='table'")
    }
    for table in ("survey_answers", "survey_responses", "survey_links", "survey_sends"):
        assert "WITHOUT ROWID" in schema[table], f"{table} has a hidden insertion counter"
        with pytest.raises(Exception, match="rowid"):
            sql(instance, f"SELECT rowid FROM {table}")  # noqa: S608
    columns = [r[1] for r in sql(instance, "PRAGMA table_info(survey_answers)")]
    assert columns == ["id", "survey_id", "answered_on", "bundle", "copies"]
    assert [r[1] for r in sql(instance, "PRAGMA table_info(survey_responses)")] == [
        "survey_id",
        "user_id",
    ]
    # Stored order is key order on both sides: nothing keeps the order in which people answered.
    answers = [r[0] for r in sql(instance, "SELECT id FROM survey_answers")]
    assert answers == sorted(answers)
    responders = [r[0] for r in sql(instance, "SELECT user_id FROM survey_responses")]
    assert responders == sorted(responders)
    # No user, pair, email or time of day in a sealed answer's row.
    people = {r[0] for r in sql(instance, "SELECT id FROM users")} | {
        r[0] for r in sql(instance, "SELECT id FROM pairs")
    }
    for row in sql(instance, "SELECT * FROM survey_answers"):
        text = " ".join(str(v) for v in tuple(row))
        assert not any(p in text for p in people) or all(
            p not in text for p in people if p.startswith("p_")
        )
        assert "@" not in text
        date.fromisoformat(row["answered_on"])
        assert len(row["answered_on"]) == 10
    # The one-time bundle's user is the answer id, never the member's.
    for row in sql(instance, "SELECT id, bundle FROM survey_answers"):
        assert __import__("json").loads(row[1])["user"] == row[0]
    members = {c.members[a].user_id for a in order}
    dump = " ".join(
        str(v) for row in sql(instance, "SELECT * FROM survey_answers") for v in tuple(row)
    )
    assert not any(m in dump for m in members if m)


def test_counts_only_from_five_and_the_results_api_gives_nothing_below(
    app: Flask, instance: Path
) -> None:
    c = cohort(app, 3)
    run_jobs(app)
    travel_to(mid_date(instance, c.programme_id))
    run_jobs(app)
    sid = survey_id(instance, c.programme_id, "midpoint")
    addresses = [member_email(r, n) for n in (1, 2, 3) for r in ("mentor", "mentee")]
    c.organiser.login(*ORGANISER)
    org = app.test_client()
    org.set_cookie("pb_lang", "en")
    from tests.helpers import login_browserless

    login_browserless(org, *ORGANISER)
    base = f"/organiser/programmes/{c.programme_id}/surveys"
    for n, address in enumerate(addresses[:5], start=1):
        member = c.members[address]
        member.login(address, member_password(address))
        answer_survey(member, sid, {"q1": 3})
        page = org.get(base).get_data(as_text=True)
        if n < 5:
            assert "Fewer than 5 of 6 have answered" in page
            assert read_survey_answers(c.organiser, c.programme_id, "midpoint") == []
        else:
            assert "5 answered of 6" in page
            assert len(read_survey_answers(c.organiser, c.programme_id, "midpoint")) == 5


def test_every_route_is_404_for_other_organisers_and_non_members(
    app: Flask, instance: Path
) -> None:
    from tests.helpers import csrf_token, login_browserless, new_organiser, new_pair

    c = cohort(app, 1)
    run_jobs(app)
    travel_to(mid_date(instance, c.programme_id))
    run_jobs(app)
    sid = survey_id(instance, c.programme_id, "midpoint")
    outsider_setup = new_pair(
        app, new_organiser(app, "other@example.org"), "m2@example.org", "e2@example.org"
    )
    outsider = Client.for_app(app)
    outsider.register(outsider_setup.mentor_link, "a long passphrase for m2", "M2")
    other = app.test_client()
    login_browserless(other, "other@example.org", "correct horse battery staple 42")
    stranger = app.test_client()
    login_browserless(stranger, "m2@example.org", "a long passphrase for m2")
    member = app.test_client()
    login_browserless(member, member_email("mentor", 1), member_password(member_email("mentor", 1)))
    p = f"/organiser/programmes/{c.programme_id}/surveys"
    gets = [
        p,
        f"{p}/midpoint/questions",
        f"{p}/midpoint/questions/q1",
        f"{p}/midpoint/questions/q1/remove",
        f"{p}/midpoint/results",
        f"{p}/compare",
        f"/api/v1/organiser/programmes/{c.programme_id}/surveys/midpoint/answers",
    ]
    posts = [
        f"{p}/midpoint/schedule",
        f"{p}/midpoint/send",
        f"{p}/midpoint/questions",
        f"{p}/midpoint/questions/q1",
        f"{p}/midpoint/questions/q1/move",
        f"{p}/midpoint/questions/q1/remove",
    ]
    for client in (other, stranger, member):
        token = csrf_token(client, "/account")
        for path in gets:
            assert client.get(path).status_code == 404, path
        for path in posts:
            assert client.post(path, data={"csrf_token": token}).status_code == 404, path
    # The member's survey: not for another programme's member, nor for an organiser.
    owner = app.test_client()
    login_browserless(owner, *ORGANISER)
    for client in (other, stranger, owner):
        token = csrf_token(client, "/account")
        assert client.get(f"/surveys/{sid}").status_code == 404
        assert client.get(f"/api/v1/surveys/{sid}").status_code == 404
        posted = client.post(
            f"/api/v1/surveys/{sid}/answers", json={}, headers={"X-CSRFToken": token}
        )
        assert posted.status_code == 404
    assert member.get(f"/surveys/{sid}").status_code == 200
    # The pair's page leads to it.
    assert f'href="/surveys/{sid}"' in member.get(f"/pairs/{c.pair_ids[0]}").get_data(as_text=True)
    assert owner.get(f"{p}/wrongkind/questions").status_code == 404
    assert owner.get(f"{p}/midpoint/questions/q999").status_code == 404
    # Nothing changed: no answers, no questions removed or moved.
    assert sql(instance, "SELECT COUNT(*) FROM survey_answers")[0][0] == 0
    assert sql(instance, "SELECT COUNT(*) FROM survey_questions WHERE removed = 1")[0][0] == 0


def test_the_editor_keeps_ids_adds_moves_edits_and_warns_before_removing_answered(
    app: Flask, instance: Path
) -> None:
    from tests.helpers import csrf_token, login_browserless

    c = cohort(app, 1)
    owner = app.test_client()
    owner.set_cookie("pb_lang", "en")
    login_browserless(owner, *ORGANISER)
    p = f"/organiser/programmes/{c.programme_id}/surveys/end"
    page = owner.get(f"{p}/questions").get_data(as_text=True)
    assert "Would you mentor again?" in page and "Mentors only" in page
    token = csrf_token(owner, f"{p}/questions")
    # A bad new question: an error at its field, nothing stored.
    bad = owner.post(
        f"{p}/questions",
        data={
            "csrf_token": token,
            "kind": "choice",
            "audience": "all",
            "text": "Pick",
            "options": "only one",
        },
    )
    assert bad.status_code == 400 and "at least two choices" in bad.get_data(as_text=True)
    count = sql(instance, "SELECT COUNT(*) FROM survey_questions")[0][0]
    added = owner.post(
        f"{p}/questions",
        data={
            "csrf_token": token,
            "kind": "choices",
            "audience": "mentee",
            "text": "Which tools helped?",
            "options": "Lifeline\nAgreement\nNotebook",
        },
    )
    assert added.status_code == 303
    assert sql(instance, "SELECT COUNT(*) FROM survey_questions")[0][0] == count + 1
    sid = survey_id(instance, c.programme_id, "end")
    new = sql(
        instance,
        "SELECT id, position FROM survey_questions WHERE survey_id = ? AND text = ?",
        sid,
        "Which tools helped?",
    )[0]
    assert new[0] == "q11"
    # Moving up through htmx answers the list fragment alone.
    moved = owner.post(
        f"{p}/questions/q11/move",
        data={"csrf_token": token, "direction": "up"},
        headers={"HX-Request": "true"},
    )
    body = moved.get_data(as_text=True)
    assert moved.status_code == 200 and body.lstrip().startswith(
        '<ol class="card-list" id="survey-questions">'
    )
    order = [
        r[0]
        for r in sql(
            instance, "SELECT id FROM survey_questions WHERE survey_id = ? ORDER BY position", sid
        )
    ]
    assert order[-2:] == ["q11", "q10"]
    # Plain post works the same way.
    assert (
        owner.post(
            f"{p}/questions/q11/move", data={"csrf_token": token, "direction": "down"}
        ).status_code
        == 303
    )
    # Edit: reword a choice, remove one, add one; ids stay, the new one gets a fresh id.
    edit = owner.post(
        f"{p}/questions/q11",
        data={
            "csrf_token": token,
            "audience": "all",
            "text": "Which tools helped you?",
            "option-o1": "The lifeline",
            "option-o2": "Agreement",
            "remove-o2": "1",
            "option-o3": "Notebook",
            "new_options": "Meetings",
        },
    )
    assert edit.status_code == 303, edit.get_data(as_text=True)
    import json

    options = json.loads(
        sql(
            instance, "SELECT options FROM survey_questions WHERE survey_id = ? AND id = 'q11'", sid
        )[0][0]
    )
    assert [(o["id"], o["text"], o["removed"]) for o in options] == [
        ("o1", "The lifeline", False),
        ("o2", "Agreement", True),
        ("o3", "Notebook", False),
        ("o4", "Meetings", False),
    ]
    # The ready-written question left as it was stays translatable (no own text stored).
    unchanged = owner.post(
        f"{p}/questions/q1",
        data={
            "csrf_token": token,
            "audience": "all",
            "text": "How are things now compared with the start? (1 = worse, 5 = much better)",
        },
    )
    assert unchanged.status_code == 303
    assert (
        sql(instance, "SELECT text FROM survey_questions WHERE survey_id = ? AND id = 'q1'", sid)[
            0
        ][0]
        is None
    )
    # Removing after answers arrived warns first; the id is never given again.
    sql(
        instance,
        "INSERT INTO survey_responses (survey_id, user_id) VALUES (?, ?)",
        sid,
        c.members[member_email("mentor", 1)].user_id,
    )
    warning = owner.get(f"{p}/questions/q11/remove").get_data(as_text=True)
    assert "Answers have arrived already" in warning
    assert owner.post(f"{p}/questions/q11/remove", data={"csrf_token": token}).status_code == 303
    assert "Which tools helped you?" not in owner.get(f"{p}/questions").get_data(as_text=True)
    owner.post(
        f"{p}/questions",
        data={"csrf_token": token, "kind": "yesno", "audience": "all", "text": "Again?"},
    )
    ids = {r[0] for r in sql(instance, "SELECT id FROM survey_questions WHERE survey_id = ?", sid)}
    assert "q12" in ids and "q11" in ids
    # Scheduling through the card's fragment, both ways; a bad day is refused at its field.
    o = f"/organiser/programmes/{c.programme_id}/surveys"
    card = owner.post(
        f"{o}/end/schedule",
        data={"csrf_token": token, "end-send_on": "2031-05-04", "end-reminder_days": "5"},
        headers={"HX-Request": "true"},
    )
    assert card.status_code == 200 and 'id="survey-end"' in card.get_data(as_text=True)
    conn = open_db(instance)
    try:
        assert queries.schedule(conn, c.programme_id)["end"] == date(2031, 5, 4)
    finally:
        conn.close()
    wrong = owner.post(
        f"{o}/end/schedule",
        data={"csrf_token": token, "end-send_on": "not a day", "end-reminder_days": "0"},
    )
    assert wrong.status_code == 400
    conn = open_db(instance)
    try:
        assert queries.schedule(conn, c.programme_id)["end"] == date(2031, 5, 4)
        queries.set_schedule(conn, c.programme_id, "end", None)
        conn.commit()
        assert queries.schedule(conn, c.programme_id)["end"] is None
    finally:
        conn.close()


def test_schedule_tells_the_default_days_before_the_surveys_are_made(
    app: Flask, instance: Path
) -> None:
    c = cohort(app, 1)
    row = sql(instance, "SELECT mid_date, end_date FROM programmes WHERE id = ?", c.programme_id)[0]
    conn = open_db(instance)
    try:
        assert sql(instance, "SELECT COUNT(*) FROM surveys")[0][0] == 0
        before = queries.schedule(conn, c.programme_id)
        queries.set_schedule(conn, c.programme_id, "longterm", date(2040, 1, 2))
        conn.commit()
        after = queries.schedule(conn, c.programme_id)
    finally:
        conn.close()
    end = date.fromisoformat(row[1])
    assert before == {
        "midpoint": date.fromisoformat(row[0]),
        "end": end,
        "longterm": end + timedelta(days=definitions.LONGTERM_DAYS),
    }
    assert after == {**before, "longterm": date(2040, 1, 2)}
    with pytest.raises(ValueError):
        queries.set_schedule(open_db(instance), c.programme_id, "weekly", None)
