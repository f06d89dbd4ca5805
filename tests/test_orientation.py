"""Orientation: the pages for both roles in both languages, the printable versions and blank
forms, the organiser's material (shown to their programme's members only, links checked at the
field with nothing saved), the member's tick without JavaScript and by htmx (the organiser sees
it), 404s for other organisers and other members, and the plug for the planning checklist."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from memberclient.client import Client
from tests.helpers import (
    MENTEE,
    MENTOR,
    ORGANISER,
    PASSPHRASE,
    Pair,
    csrf_token,
    login_browserless,
    new_organiser,
    new_pair,
    open_db,
    sql,
)
from workspace.core import clock, db
from workspace.orientation import queries

SECTIONS = ("roles", "phases", "meetings", "agreement", "safety", "problems", "privacy")
CANARY = "Kanarialintu-material-7731"


def reader(app: Flask, language: str, who: tuple[str, str] | None = None) -> FlaskClient:
    """A client reading `language`, signed in as `who` if given."""
    client = app.test_client()
    client.set_cookie("pb_lang", language)
    if who:
        assert login_browserless(client, *who).status_code == 200
    return client


def post(client: FlaskClient, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
    token = csrf_token(client, kwargs.pop("page", path))
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def second_programme(app: Flask) -> tuple[str, str, tuple[str, str]]:
    """Another organiser's programme with a joined pair: (programme id, pair id, its mentor)."""
    other = new_organiser(app, "other-org@example.org")
    setup = new_pair(app, other, "m2@example.org", "e2@example.org")
    mentor, mentee = Client.for_app(app), Client.for_app(app)
    mentor.register(setup.mentor_link, PASSPHRASE + " m2", "Mia")
    mentee.register(setup.mentee_link, PASSPHRASE + " e2", "Eero")
    return setup.programme_id, setup.pair_id, ("m2@example.org", PASSPHRASE + " m2")


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_general_orientation_renders_every_section(app: Flask, language: str, role: str) -> None:
    client = reader(app, language)
    page = text(client.get(f"/orientation/{role}"))
    for section in SECTIONS:
        assert f'id="{section}"' in page and f'href="#{section}"' in page, section
    heading = re.search(r"<h1>(.*?)</h1>", page).group(1)
    expected = {
        ("en", "mentor"): "Orientation for mentors",
        ("en", "mentee"): "Orientation for mentees",
        ("fi", "mentor"): "Perehdytys mentoreille",
        ("fi", "mentee"): "Perehdytys aktoreille (mentoroitaville)",
    }[(language, role)]
    assert heading == expected
    if language == "fi":
        # The mentee's Finnish name, explained where the reader first meets it.
        first = re.search(r"aktor\w*", page[page.index("<main") :].lower())
        assert first is not None and re.match(
            r"aktor\w* \(mentoroitav\w*\)", page[page.index("<main") :].lower()[first.start() :]
        )
        assert "Who does what" not in page
    # Without a pair, the way to the report button is told, not linked.
    assert "/report" not in page
    assert client.get("/orientation/boss").status_code == 404


@pytest.mark.parametrize("language", ["fi", "en"])
def test_printable_pages_and_blank_forms(app: Flask, language: str) -> None:
    client = reader(app, language)
    for role in ("mentor", "mentee"):
        page = text(client.get(f"/orientation/{role}/print"))
        assert 'class="print-page"' in page and 'class="site-nav"' not in page
        for section in SECTIONS:
            assert f'id="{section}"' in page
    agreement = text(client.get("/orientation/forms/agreement"))
    evaluation = text(client.get("/orientation/forms/evaluation"))
    assert 'class="site-nav"' not in agreement and 'class="site-nav"' not in evaluation
    labels = {
        "en": (
            ["What we want to reach", "How we keep in touch", "Boundaries", "Topics"],
            ["What I learned", "Do we keep in touch?", "Feedback to my partner", "Not decided yet"],
        ),
        "fi": (
            ["Mitä haluamme saavuttaa", "Rajat"],
            ["Mitä opin", "Pidämmekö yhteyttä?"],
        ),
    }[language]
    for label in labels[0]:
        assert label in agreement, label
    for label in labels[1]:
        assert label in evaluation, label
    # Eleven agreement fields (with who and the signatures), six evaluation fields and the
    # summary (with the name), each with lines or boxes to tick.
    assert agreement.count('class="blank-field"') == 11 + 3 + 2
    assert evaluation.count('class="blank-field"') == 1 + 6 + 1
    assert agreement.count('class="write-line"') >= 30


def test_organiser_material_reaches_their_programme_only(app: Flask, pair: Pair) -> None:
    other_programme, other_pair, other_mentor = second_programme(app)
    organiser = reader(app, "en", ORGANISER)
    path = f"/organiser/programmes/{pair.programme_id}/orientation"
    response = post(
        organiser,
        path,
        {
            "mode": "separate",
            "text": f"Bring your CV. {CANARY}",
            "link_title_1": "Programme handbook",
            "link_url_1": "https://example.org/handbook",
            "link_title_2": "Local jobs",
            "link_url_2": "http://jobs.example.org/",
        },
    )
    assert response.status_code == 303
    conn = open_db(Path(app.instance_path))
    try:
        assert queries.mode(conn, pair.programme_id) == "separate"
        assert queries.mode(conn, other_programme) is None
    finally:
        conn.close()
    mine = text(reader(app, "en", MENTEE).get(f"/pairs/{pair.id}/orientation"))
    assert CANARY in mine and "https://example.org/handbook" in mine and "Local jobs" in mine
    assert "Mentors and mentees have their own orientation sessions" in mine
    assert f'href="/pairs/{pair.id}/report"' in mine
    theirs_client = reader(app, "en", other_mentor)
    theirs = text(theirs_client.get(f"/pairs/{other_pair}/orientation"))
    assert CANARY not in theirs and "handbook" not in theirs
    assert "has not added anything of their own yet" in theirs
    # Nor can they reach the first programme's page through its pair, nor is it public.
    assert theirs_client.get(f"/pairs/{pair.id}/orientation").status_code == 404
    for public in ("/orientation", "/orientation/mentor", "/orientation/mentee/print"):
        assert CANARY not in text(app.test_client().get(public))
        assert CANARY not in text(theirs_client.get(public))


def test_other_organisers_get_404(app: Flask, pair: Pair) -> None:
    other_programme, _pair, _mentor = second_programme(app)
    organiser = reader(app, "en", ORGANISER)
    path = f"/organiser/programmes/{other_programme}/orientation"
    assert organiser.get(path).status_code == 404
    token = csrf_token(organiser, f"/organiser/programmes/{pair.programme_id}/orientation")
    response = organiser.post(path, data={"csrf_token": token, "mode": "joint", "text": CANARY})
    assert response.status_code == 404
    member = reader(app, "en", MENTOR)
    assert member.get(f"/organiser/programmes/{pair.programme_id}/orientation").status_code == 404
    assert sql(Path(app.instance_path), "SELECT COUNT(*) FROM orientation_material")[0][0] == 0


@pytest.mark.parametrize(
    ("fields", "error_field", "message"),
    [
        (
            {"link_title_1": "Evil", "link_url_1": "javascript:alert(1)"},
            "link_url_1",
            "https://",
        ),
        ({"link_title_2": "Files", "link_url_2": "ftp://files.example.org/"}, "link_url_2", "http"),
        ({"link_title_1": "A", "link_url_1": "https://exa mple.org/"}, "link_url_1", "spaces"),
        ({"link_title_1": "", "link_url_1": "https://example.org/"}, "link_title_1", "title"),
        ({"link_title_3": "No address", "link_url_3": ""}, "link_url_3", "address"),
        ({"mode": "sometimes"}, "mode", "Choose one of the options"),
    ],
)
def test_bad_links_are_shown_at_the_field_and_nothing_is_saved(
    app: Flask, pair: Pair, fields: dict[str, str], error_field: str, message: str
) -> None:
    conn = open_db(Path(app.instance_path))
    try:
        with db.transaction(conn):
            queries.save_material(
                conn, pair.programme_id, "joint", "Kept text", [("Kept", "https://kept.example/")]
            )
    finally:
        conn.close()
    before = sql(Path(app.instance_path), "SELECT * FROM orientation_links")
    organiser = reader(app, "en", ORGANISER)
    path = f"/organiser/programmes/{pair.programme_id}/orientation"
    response = post(organiser, path, {"mode": "self_study", "text": "Changed " + CANARY, **fields})
    assert response.status_code == 400
    page = text(response)
    error = re.search(rf'id="{error_field}-error">([^<]*)<', page)
    assert error is not None and message.lower() in error.group(1).lower(), page
    assert f'href="#{error_field}' in page  # the summary leads to the field
    assert sql(Path(app.instance_path), "SELECT * FROM orientation_links") == before
    conn = open_db(Path(app.instance_path))
    try:
        assert queries.material(conn, pair.programme_id)["text"] == "Kept text"
        assert queries.mode(conn, pair.programme_id) == "joint"
    finally:
        conn.close()


def test_the_tick_without_javascript_and_the_organiser_sees_it(app: Flask, pair: Pair) -> None:
    mentee = reader(app, "en", MENTEE)
    path = f"/pairs/{pair.id}/orientation"
    page = text(mentee.get(path))
    assert "Your organiser sees this mark" in page
    assert "says nothing about your pair" in page
    # Without the CSRF token nothing changes.
    assert mentee.post(path + "/done", data={"done": "1"}).status_code == 400
    assert sql(Path(app.instance_path), "SELECT COUNT(*) FROM orientation_done")[0][0] == 0
    response = post(mentee, path + "/done", {"done": "1"}, page=path)
    assert response.status_code == 303 and response.location.endswith("#orientation-tick")
    page = text(mentee.get(path))
    assert 'id="orientation-done"' in page and "Undo the mark" in page
    organiser = reader(app, "en", ORGANISER)
    programme = text(organiser.get(f"/organiser/programmes/{pair.programme_id}"))
    assert programme.count("orientation done</span>") == 1
    assert "It is about taking part, not about the pair" in programme
    editor = text(organiser.get(f"/organiser/programmes/{pair.programme_id}/orientation"))
    assert "1 of 2 members have marked it." in editor
    assert "about taking part in the orientation, not about the pair" in editor
    # Undo.
    assert post(mentee, path + "/done", {"done": "0"}, page=path).status_code == 303
    programme = text(organiser.get(f"/organiser/programmes/{pair.programme_id}"))
    assert "orientation done</span>" not in programme


def test_the_tick_by_htmx_answers_with_its_fragment(app: Flask, pair: Pair) -> None:
    mentor = reader(app, "en", MENTOR)
    path = f"/pairs/{pair.id}/orientation"
    token = csrf_token(mentor, path)
    response = mentor.post(
        path + "/done", data={"done": "1"}, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith("{#") is False
    assert 'id="orientation-tick"' in body and "<h1" not in body
    assert "Marked: you have gone through the orientation." in body  # announced too
    conn = open_db(Path(app.instance_path))
    try:
        assert queries.done_members(conn, pair.programme_id) == {pair.mentor.user_id}
    finally:
        conn.close()


def test_other_members_and_organisers_cannot_tick(app: Flask, pair: Pair) -> None:
    _programme, other_pair, other_mentor = second_programme(app)
    stranger = reader(app, "en", other_mentor)
    token = csrf_token(stranger, f"/pairs/{other_pair}/orientation")
    response = stranger.post(
        f"/pairs/{pair.id}/orientation/done", data={"csrf_token": token, "done": "1"}
    )
    assert response.status_code == 404
    organiser = reader(app, "en", ORGANISER)
    assert organiser.get(f"/pairs/{pair.id}/orientation").status_code == 404
    assert sql(Path(app.instance_path), "SELECT COUNT(*) FROM orientation_done")[0][0] == 0


def test_orientation_sessions_for_the_readers_role(app: Flask, pair: Pair) -> None:
    from workspace.communication import queries as communication

    conn = open_db(Path(app.instance_path))
    soon = clock.iso(clock.now() + timedelta(days=5))
    try:
        with db.transaction(conn):
            for title, audience, kind in (
                ("Mentors' evening", "mentors", "orientation"),
                ("Everyone's start", "all", "orientation"),
                ("Half-way meeting", "all", "midpoint"),
            ):
                communication.create_event(
                    conn,
                    pair.programme_id,
                    pair.organiser.user_id or "",
                    {
                        "kind": kind,
                        "title": title,
                        "description": "",
                        "starts_at": soon,
                        "minutes": 60,
                        "place": "Library",
                        "online_url": "",
                        "audience": audience,
                        "remind_days": 0,
                    },
                )
    finally:
        conn.close()
    mentor = text(reader(app, "en", MENTOR).get(f"/pairs/{pair.id}/orientation"))
    mentee = text(reader(app, "en", MENTEE).get(f"/pairs/{pair.id}/orientation"))
    assert "Mentors&#39; evening" in mentor and "Everyone&#39;s start" in mentor
    assert "Mentors&#39; evening" not in mentee and "Everyone&#39;s start" in mentee
    assert "Half-way meeting" not in mentor


def test_mode_plug_for_the_planning_checklist(app: Flask, pair: Pair) -> None:
    conn = open_db(Path(app.instance_path))
    try:
        assert queries.mode(conn, pair.programme_id) is None
        with db.transaction(conn):
            queries.save_material(conn, pair.programme_id, None, "Own text", [])
            queries.set_mode(conn, pair.programme_id, "self_study")
        assert queries.mode(conn, pair.programme_id) == "self_study"
        assert queries.material(conn, pair.programme_id)["text"] == "Own text"
        with pytest.raises(ValueError):
            queries.set_mode(conn, pair.programme_id, "sometimes")
        assert queries.mode(conn, pair.programme_id) == "self_study"
    finally:
        conn.close()


def test_members_find_it_from_their_pages(app: Flask, pair: Pair) -> None:
    mentee = reader(app, "en", MENTEE)
    assert f'href="/pairs/{pair.id}/orientation"' in text(mentee.get(f"/pairs/{pair.id}"))
    assert 'href="/orientation"' in text(mentee.get("/pairs"))
    index = text(mentee.get("/orientation"))
    assert f'href="/pairs/{pair.id}/orientation"' in index
    assert f'href="/pairs/{pair.id}/orientation"' not in text(app.test_client().get("/orientation"))
    organiser = reader(app, "en", ORGANISER)
    nav = text(organiser.get(f"/organiser/programmes/{pair.programme_id}"))
    assert f'href="/organiser/programmes/{pair.programme_id}/orientation"' in nav


def test_orientation_mails_link_to_the_orientation(app: Flask, pair: Pair) -> None:
    from workspace.communication import plan, plan_queries

    conn = open_db(Path(app.instance_path))
    try:
        with app.test_request_context(), db.transaction(conn):
            programme = conn.execute(
                "SELECT * FROM programmes WHERE id = ?", (pair.programme_id,)
            ).fetchone()
            for stage in ("self_study", "orientation_invite", "welcome"):
                plan_queries.save_template(conn, programme["id"], stage, "en", "S", "Go: {link}")
            links = {
                stage: plan.compose(conn, programme, stage, "en")[1].split("\n")[0]
                for stage in ("self_study", "orientation_invite", "welcome")
            }
            # The ready-written texts have no {link}: they read as before.
            default = plan.compose(conn, programme, "self_study", "fi")
    finally:
        conn.close()
    assert links["self_study"].endswith("/orientation")
    assert links["orientation_invite"].endswith("/orientation")
    assert links["welcome"].endswith("/login")
    assert "/orientation" not in default[1]


def test_the_tick_is_in_the_members_export_and_goes_with_their_account(
    app: Flask, pair: Pair
) -> None:
    from workspace.rights import erasure

    conn = open_db(Path(app.instance_path))
    try:
        with app.test_request_context(), db.transaction(conn):
            queries.set_done(conn, pair.programme_id, pair.mentee.user_id or "", True)
        with app.test_request_context():
            export = erasure.server_data(conn, pair.mentee.user_id or "")
            mentor = erasure.server_data(conn, pair.mentor.user_id or "")
        (row,) = export["orientation_ticks"]
        assert row["programme_id"] == pair.programme_id and row["done_at"]
        assert mentor["orientation_ticks"] == []
        with app.test_request_context(), db.transaction(conn):
            erasure.delete_user(conn, pair.mentee.user_id or "")
        assert queries.done_members(conn, pair.programme_id) == set()
    finally:
        conn.close()
