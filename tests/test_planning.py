"""The planning checklist and the programme overview on the server: answers fill the
programme's dates and language (and the calls' closing date), bad input changes nothing, notes
are stored only sealed, every route is a 404 to anyone but the programme's organisers, and the
overview tells what is done and what is next from metadata."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from memberclient.client import Client, ClientError
from tests.helpers import (
    MENTOR,
    PASSPHRASE,
    Pair,
    csrf_token,
    everything_on_disk,
    login_browserless,
    new_organiser,
    new_pair,
    sql,
)
from tests.support.planning import sealed_note
from workspace.core import clock

CANARY = "kirjosieppo"


def _signed_in(app: Flask, email: str, passphrase: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login_browserless(client, email, passphrase).status_code == 200
    return client


@pytest.fixture
def setup(app: Flask) -> tuple[Client, FlaskClient, str]:
    organiser = new_organiser(app)
    programme_id = new_pair(app, organiser).programme_id
    return organiser, _signed_in(app, "org@example.org", PASSPHRASE), programme_id


def _url(programme_id: str, item: str = "") -> str:
    return f"/organiser/programmes/{programme_id}/planning" + (f"/{item}" if item else "")


def _post(client: FlaskClient, programme_id: str, item: str, htmx: bool = False, **fields: str):
    data = {f"{item}-{k}": v for k, v in fields.items()}
    data["csrf_token"] = csrf_token(client, _url(programme_id))
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(_url(programme_id, item), data=data, headers=headers)


def _programme(instance: Path, programme_id: str) -> tuple:
    return tuple(
        sql(
            instance,
            "SELECT language, start_date, mid_date, end_date FROM programmes WHERE id = ?",
            programme_id,
        )[0]
    )


def _items(instance: Path, programme_id: str) -> list[tuple]:
    rows = sql(
        instance,
        "SELECT item, state, answers FROM planning_items WHERE programme_id = ? ORDER BY item",
        programme_id,
    )
    return [tuple(r) for r in rows]


def test_the_checklist_fills_the_programmes_dates_and_language(
    setup: tuple[Client, FlaskClient, str], instance: Path
) -> None:
    _organiser, client, pid = setup
    page = client.get(_url(pid)).get_data(as_text=True)
    assert "0 of 8 items done, 0 answered." in page
    response = _post(
        client,
        pid,
        "structure",
        pairs_sought="12",
        length_months="6",
        rhythm="fortnightly",
        mode="remote",
        start_date="2027-02-01",
        mid_date="2027-05-01",
        end_date="2027-08-01",
        done="y",
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/planning#item-structure")
    assert _programme(instance, pid)[1:] == ("2027-02-01", "2027-05-01", "2027-08-01")
    # The same through htmx: the item's fragment, with the progress and its state out of band.
    response = _post(client, pid, "language", htmx=True, language="sv")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="plan-language"')
    assert 'id="plan-progress" aria-labelledby="plan-progress-heading" hx-swap-oob="true"' in html
    assert "1 of 8 items done, 1 answered." in html
    assert re.search(r'id="state-language" hx-swap-oob="true">State: <span[^>]*>Answered', html)
    assert _programme(instance, pid)[0] == "sv"
    states = {i: s for i, s, _a in _items(instance, pid)}
    assert states == {"structure": "done", "language": "answered"}
    page = client.get(_url(pid)).get_data(as_text=True)
    assert 'value="2027-05-01"' in page and 'value="12"' in page
    assert '<option selected value="sv">' in page


def test_the_calls_closing_date_and_draft_mode_are_filled(
    setup: tuple[Client, FlaskClient, str], instance: Path
) -> None:
    _organiser, client, pid = setup
    start = sql(instance, "SELECT start_date FROM programmes WHERE id = ?", pid)[0][0]
    # The programme in new_pair started a month ago: move it ahead first.
    ahead = clock.now().date() + timedelta(days=60)
    _post(
        client,
        pid,
        "structure",
        mode="remote",
        start_date=ahead.isoformat(),
        mid_date=(ahead + timedelta(days=60)).isoformat(),
        end_date=(ahead + timedelta(days=120)).isoformat(),
    )
    assert start != ahead.isoformat()
    closes = (ahead - timedelta(days=20)).isoformat()
    response = _post(
        client, pid, "reach", opens_on=(ahead - timedelta(days=50)).isoformat(), closes_on=closes
    )
    assert response.status_code == 303
    calls = sql(
        instance, "SELECT role, closes_on, starts_on, mode FROM calls WHERE programme_id = ?", pid
    )
    assert sorted(tuple(c) for c in calls) == [
        ("mentee", closes, ahead.isoformat(), "remote"),
        ("mentor", closes, ahead.isoformat(), "remote"),
    ]
    # An open call's public text is the organiser's to edit: only the draft takes the new mode.
    sql(instance, "UPDATE calls SET state = 'open' WHERE programme_id = ? AND role = 'mentor'", pid)
    dates = dict(
        zip(("start_date", "mid_date", "end_date"), _programme(instance, pid)[1:], strict=True)
    )
    assert _post(client, pid, "structure", mode="in_person", **dates).status_code == 303
    modes = sql(instance, "SELECT role, mode FROM calls WHERE programme_id = ? ORDER BY role", pid)
    assert [tuple(m) for m in modes] == [("mentee", "in_person"), ("mentor", "remote")]


BAD = [
    ("structure", {"start_date": "2027-05-01", "mid_date": "2027-06-01", "end_date": "2027-04-01"},
     "structure-end_date", "The end date must be after the start date."),
    ("structure", {"start_date": "2027-01-01", "mid_date": "2027-09-01", "end_date": "2027-06-01"},
     "structure-mid_date", "The mid-point must be between the start and the end date."),
    ("structure", {"start_date": "2027-01-01", "mid_date": "2027-03-01", "end_date": "2027-06-01",
                   "pairs_sought": "0"}, "structure-pairs_sought", "Give a number from 1 to 1000"),
    ("language", {"language": "klingon"}, "language-language",
     "Choose one of the languages in the list."),
    ("followup", {"midpoint_on": "2020-01-01"}, "followup-midpoint_on",
     "The mid-point survey must go between the start"),
    ("followup", {"longterm_on": "2020-01-01"}, "followup-longterm_on",
     "The long-term follow-up must go after the programme ends"),
    ("reach", {"closes_on": "2099-01-01"}, "reach-closes_on",
     "Applications must close before the programme starts"),
    ("orientation", {"held_on": "2099-01-01"}, "orientation-held_on",
     "Orientation must be by the mid-point"),
]  # fmt: skip


@pytest.mark.parametrize(("item", "fields", "field_id", "message"), BAD)
def test_bad_input_is_shown_at_its_field_and_changes_nothing(
    setup: tuple[Client, FlaskClient, str],
    instance: Path,
    item: str,
    fields: dict[str, str],
    field_id: str,
    message: str,
) -> None:
    _organiser, client, pid = setup
    _post(client, pid, "ending", closing="each_pair")
    before = (_programme(instance, pid), _items(instance, pid))
    calls_before = sql(instance, "SELECT * FROM calls WHERE programme_id = ?", pid)
    for htmx in (False, True):
        response = _post(client, pid, item, htmx=htmx, done="y", **fields)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        error = re.search(rf'<p class="error-text" id="{field_id}-error">([^<]*)</p>', html)
        assert error and message in error.group(1), html
        assert f'href="#{field_id}"' in html  # the summary links to the field
        assert f'id="{field_id}"' in html and 'aria-invalid="true"' in html
    assert (_programme(instance, pid), _items(instance, pid)) == before
    assert sql(instance, "SELECT * FROM calls WHERE programme_id = ?", pid) == calls_before


def test_notes_are_stored_sealed_only(
    setup: tuple[Client, FlaskClient, str], instance: Path
) -> None:
    organiser, client, pid = setup
    path = f"/api/v1/organiser/programmes/{pid}/planning"
    saved = organiser.request("PUT", f"{path}/goals/note", sealed_note(organiser, pid, CANARY))
    assert saved["state"] == "answered" and saved["item"] == "goals"
    listed = organiser.request("GET", f"{path}/notes")
    assert [n["item"] for n in listed["notes"]] == ["goals"]
    assert listed["notes"][0]["sealed"]["v"] == 1
    assert "1 answered." in client.get(_url(pid)).get_data(as_text=True)
    # A note must be sealed for every organiser, in the protocol's shape.
    body = sealed_note(organiser, pid, CANARY)
    for copies in ([], [{"recipient_id": organiser.user_id, "sealed": {"v": 1}}]):
        with pytest.raises(ClientError) as refused:
            organiser.request("PUT", f"{path}/resources/note", {**body, "copies": copies})
        assert refused.value.status == 400 and refused.value.body.get("field") == "copies"
    with pytest.raises(ClientError) as unknown:
        organiser.request("PUT", f"{path}/budget/note", body)
    assert unknown.value.status == 404
    # Replacing the note keeps one; removing it leaves the item answered.
    organiser.request("PUT", f"{path}/goals/note", sealed_note(organiser, pid, CANARY + "2"))
    assert len(sql(instance, "SELECT * FROM planning_notes WHERE programme_id = ?", pid)) == 1
    assert organiser.request("DELETE", f"{path}/goals/note")["state"] == "answered"
    with pytest.raises(ClientError) as gone:
        organiser.request("DELETE", f"{path}/goals/note")
    assert gone.value.status == 404
    assert CANARY not in everything_on_disk(instance)


def _routes(pid: str) -> list[tuple[str, str]]:
    api = f"/api/v1/organiser/programmes/{pid}/planning"
    return [
        ("GET", _url(pid)),
        ("GET", _url(pid, "goals")),
        ("POST", _url(pid, "goals")),
        ("GET", f"/organiser/programmes/{pid}/overview"),
        ("GET", f"{api}/notes"),
        ("PUT", f"{api}/goals/note"),
        ("DELETE", f"{api}/goals/note"),
    ]


def test_every_route_is_a_404_to_other_organisers_and_members(
    app: Flask, pair: Pair, instance: Path
) -> None:
    other = new_organiser(app, "other@example.org")
    own = new_pair(app, other, "m2@example.org", "e2@example.org").programme_id
    before = _programme(instance, pair.programme_id)
    for who in (_signed_in(app, "other@example.org", PASSPHRASE), _signed_in(app, *MENTOR)):
        token = csrf_token(who, "/account")
        for method, path in _routes(pair.programme_id):
            data = {"csrf_token": token, "goals-done": "y"} if method == "POST" else None
            response = who.open(path, method=method, data=data, headers={"X-CSRFToken": token})
            assert response.status_code == 404, (method, path)
    # The other organiser reaches their own; an unknown item is a 404 too.
    client = _signed_in(app, "other@example.org", PASSPHRASE)
    assert client.get(_url(own)).status_code == 200
    assert client.get(_url(own, "budget")).status_code == 404
    assert _programme(instance, pair.programme_id) == before
    assert _items(instance, pair.programme_id) == []


def _steps(html: str) -> dict[str, str]:
    return dict(re.findall(r'<li id="step-([a-z]+)" data-done="(yes|no)">', html))


def test_the_overview_of_a_fresh_programme(app: Flask, instance: Path) -> None:
    new_organiser(app)
    client = _signed_in(app, "org@example.org", PASSPHRASE)
    today = date.today()
    data = {
        "name": "Autumn",
        "language": "fi",
        "start_date": (today + timedelta(days=30)).isoformat(),
        "mid_date": (today + timedelta(days=120)).isoformat(),
        "end_date": (today + timedelta(days=210)).isoformat(),
        "csrf_token": csrf_token(client, "/organiser/programmes/new"),
    }
    location = client.post("/organiser/programmes/new", data=data).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert set(_steps(html).values()) == {"no"}
    assert len(_steps(html)) == 9
    assert "0 of 8 items done, 0 answered." in html
    next_step = re.search(
        r'id="overview-next"><strong>Next step:</strong> <a href="([^"]+)">', html
    )
    assert next_step and next_step.group(1).endswith("/planning#item-goals")
    assert "0 applications received." in html and "0 pairs formed." in html


def test_the_overview_of_a_programme_under_way(pair: Pair, app: Flask, instance: Path) -> None:
    client = _signed_in(app, "org@example.org", PASSPHRASE)
    pid = pair.programme_id
    for item in ("goals", "resources", "language"):
        _post(client, pid, item, done="y", language="fi")
    pair.organiser.request(
        "PUT",
        f"/api/v1/organiser/programmes/{pid}/planning/reach/note",
        sealed_note(pair.organiser, pid, CANARY),
    )
    overview = f"/organiser/programmes/{pid}/overview"
    html = client.get(overview).get_data(as_text=True)
    assert "3 of 8 items done, 1 answered." in html
    steps = _steps(html)
    # The pair has joined; the privacy notice is filled; no call, application or orientation.
    assert steps == {
        "planning": "no",
        "privacy": "yes",
        "calls": "no",
        "applications": "no",
        "pairs": "yes",
        "invitations": "yes",
        "orientation": "no",
        "midpoint": "no",
        "end": "no",
    }
    assert "1 pair formed." in html and "2 of 2 members have accepted." in html
    # Every item done: the next step is opening the calls; htmx gets the fragment alone.
    for item in ("structure", "reach", "orientation", "followup", "ending"):
        start, mid, end = _programme(instance, pid)[1:]
        response = _post(client, pid, item, done="y", start_date=start, mid_date=mid, end_date=end)
        assert response.status_code == 303, response.get_data(as_text=True)
    fragment = client.get(overview, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section class="card" id="programme-overview"')
    assert _steps(fragment)["planning"] == "yes"
    assert re.search(r'Next step:</strong> <a href="[^"]+/recruitment">Open the calls', fragment)
    assert CANARY not in everything_on_disk(instance)


def test_the_demo_programme_has_a_partly_answered_checklist(app: Flask, instance: Path) -> None:
    from workspace.demo import create_demo

    details = create_demo(app)
    organiser = details["accounts"][0]
    client = _signed_in(app, organiser["email"], organiser["passphrase"])
    (pid,) = [
        r[0]
        for r in sql(instance, "SELECT id FROM programmes WHERE name = 'Demo: career mentoring'")
    ]
    html = client.get(f"/organiser/programmes/{pid}").get_data(as_text=True)
    assert "3 of 8 items done, 1 answered." in html
    steps = _steps(html)
    assert steps["planning"] == "no" and steps["privacy"] == "yes" and steps["pairs"] == "yes"
    # Goals, structure and language are done, resources only answered: that is next.
    assert re.search(r'Next step:</strong> <a href="[^"]+/planning#item-resources">', html)
    checklist = client.get(_url(pid)).get_data(as_text=True)
    assert checklist.count('<span class="state state-not_started">Not started</span>') >= 4
    assert "Two organisers" not in everything_on_disk(instance)


def test_a_note_is_sealed_to_every_organiser_of_the_time(app: Flask, pair: Pair) -> None:
    from workspace.core import db
    from workspace.organiser import programmes

    pid, first = pair.programme_id, pair.organiser
    path = f"/api/v1/organiser/programmes/{pid}/planning"
    first.request("PUT", f"{path}/goals/note", sealed_note(first, pid, CANARY))
    second = new_organiser(app, "second@example.org")
    conn = db.open_for_app(app)
    try:
        with db.transaction(conn):
            programmes.add_organiser(conn, pid, second.user_id or "")
    finally:
        conn.close()
    # Added later: no copy of the earlier note, which the first organiser's old body now lacks.
    (note,) = second.request("GET", f"{path}/notes")["notes"]
    assert note["sealed"] is None and note["author_id"] == first.user_id
    stale = sealed_note(first, pid, CANARY)
    stale["copies"] = [c for c in stale["copies"] if c["recipient_id"] == first.user_id]
    with pytest.raises(ClientError) as refused:
        first.request("PUT", f"{path}/goals/note", stale)
    assert refused.value.status == 400
    # Sealed again for both: each has a copy of their own.
    first.request("PUT", f"{path}/goals/note", sealed_note(first, pid, CANARY))
    import crypto

    for organiser in (first, second):
        data = organiser.request("GET", f"{path}/notes")
        (note,) = data["notes"]
        bundles = {o["user_id"]: o["bundle"] for o in data["organisers"]}
        ctx = crypto.SealContext(
            "planning-note", pid, note["note_id"], first.user_id or "", organiser.user_id or ""
        )
        sender = crypto.verify_bundle(bundles[first.user_id], first.user_id or "")
        body = crypto.open_message(
            organiser._require_secrets().identity, sender, ctx, note["sealed"]
        )
        assert body == {"schema": 1, "format": "pairbook/planning-note/v1", "text": CANARY}


def test_orientation_and_follow_up_answers_set_those_areas(
    setup: tuple[Client, FlaskClient, str], instance: Path
) -> None:
    """The orientation item sets the mode members are shown; the follow-up item the days the
    surveys go (an emptied day: not sent by the clock); the forms start from those settings."""
    _organiser, client, pid = setup
    start, mid, end = (
        date.fromisoformat(d)
        for d in sql(
            instance, "SELECT start_date, mid_date, end_date FROM programmes WHERE id = ?", pid
        )[0]
    )
    page = client.get(_url(pid)).get_data(as_text=True)
    default_end = sql(instance, "SELECT count(*) FROM surveys WHERE programme_id = ?", pid)[0][0]
    assert default_end == 0  # nothing made by looking
    assert _post(client, pid, "orientation", mode="self_study").status_code == 303
    mode = sql(instance, "SELECT mode FROM orientation_material WHERE programme_id = ?", pid)
    assert [tuple(m) for m in mode] == [("self_study",)]
    midpoint = mid - timedelta(days=3)
    longterm = end + timedelta(days=90)
    response = _post(
        client,
        pid,
        "followup",
        midpoint_on=midpoint.isoformat(),
        end_on="",
        longterm_on=longterm.isoformat(),
    )
    assert response.status_code == 303
    days = dict(sql(instance, "SELECT kind, send_on FROM surveys WHERE programme_id = ?", pid))
    assert days == {"midpoint": midpoint.isoformat(), "end": None, "longterm": longterm.isoformat()}
    page = client.get(_url(pid)).get_data(as_text=True)
    assert f'value="{midpoint.isoformat()}"' in page and f'value="{longterm.isoformat()}"' in page
    assert start < midpoint
