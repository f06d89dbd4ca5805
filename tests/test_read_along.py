"""The member's pair read in the session's own statement (issue 19): the same row the guard's
own query gives, for the pair the URL names only, taken once, and a 404 for everyone else."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import NotFound

from tests.helpers import MENTEE, MENTOR, ORGANISER, joined_pair, login_browserless, sql
from workspace.accounts import sessions
from workspace.accounts.sessions import SESSION_COOKIE
from workspace.core import db
from workspace.pairs import queries
from workspace.pairs.access import my_pair


def _signed_in(app: Flask, who: tuple[str, str]) -> tuple[FlaskClient, str]:
    web = app.test_client()
    assert login_browserless(web, *who).status_code == 200
    return web, web.get_cookie(SESSION_COOKIE).value


def _plain(app: Flask, token: str, pair_id: str) -> tuple[dict, dict | None]:
    """The session's row and the guard's, each from its own statement, as before."""
    conn = db.open_for_app(app)
    try:
        user = conn.execute(sessions._PLAIN_SQL, (sessions.token_hash(token),)).fetchone()
        pair = queries.pair_for_member(pair_id, user["id"], conn)
        first = {}
        for key, value in zip(user.keys(), user, strict=True):
            first.setdefault(key, value)
        return first, None if pair is None else dict(pair)
    finally:
        conn.close()


@pytest.mark.parametrize("who", [MENTOR, MENTEE, ORGANISER])
def test_the_pair_read_along_is_the_guards_own_row_and_the_user_the_sessions(
    app: Flask, who: tuple[str, str]
) -> None:
    pair = joined_pair(app)
    _web, token = _signed_in(app, who)
    path = f"/api/v1/pairs/{pair.id}/entries"
    with app.test_request_context(path, headers={"Cookie": f"{SESSION_COOKIE}={token}"}):
        app.preprocess_request()
        user, expected = _plain(app, token, pair.id)
        assert dict(sessions.current_user()) == user
        # The session's own times, as the plain row gave them first (not the user's).
        assert sessions.current_user()["created_at"] == user["created_at"]
        found = sessions.row_read_along("pair_id", pair.id)
        assert found == expected
        if who == ORGANISER:
            assert found is None  # not a member: the guard answers 404
        else:
            assert found["id"] == pair.id
            assert found["my_role"] == ("mentee" if who == MENTEE else "mentor")
            assert found["notebook_id"] is not None
        # Taken once: a second guard in the same request reads afresh.
        assert sessions.row_read_along("pair_id", pair.id) is sessions.NOT_READ


def test_the_row_read_along_is_for_that_pair_and_that_user_only(app: Flask, instance: Path) -> None:
    pair = joined_pair(app)
    _web, token = _signed_in(app, MENTEE)
    cookie = {"Cookie": f"{SESSION_COOKIE}={token}"}
    path = f"/api/v1/pairs/{pair.id}/entries"
    with app.test_request_context(path, headers=cookie):
        app.preprocess_request()
        assert sessions.row_read_along("pair_id", "p_other") is sessions.NOT_READ
        assert sessions.row_read_along("pair_id", pair.id) is sessions.NOT_READ  # taken by then
    # A member who left is still a member, with the time they left: as the guard's own query.
    sql(instance, "UPDATE pair_members SET removed_at = accepted_at WHERE role = 'mentee'")
    with app.test_request_context(path, headers=cookie):
        app.preprocess_request()
        _user, expected = _plain(app, token, pair.id)
        found = sessions.row_read_along("pair_id", pair.id)
        assert found == expected and found["removed_at"] is not None
    with app.app_context():  # one context around two requests keeps g: nothing carries over
        with app.test_request_context(path, headers=cookie):
            app.preprocess_request()
        with app.test_request_context(path):
            app.preprocess_request()
            assert sessions.current_user() is None
            assert sessions.row_read_along("pair_id", pair.id) is sessions.NOT_READ
    # Signed out within the request: what was read for them is not handed on.
    with app.test_request_context(path, headers=cookie):
        app.preprocess_request()
        sessions.end_current_session()
        assert sessions.row_read_along("pair_id", pair.id) is sessions.NOT_READ


def test_a_second_guard_in_one_request_sees_what_changed_since_the_first(
    app: Flask, instance: Path
) -> None:
    pair = joined_pair(app)
    _web, token = _signed_in(app, MENTOR)
    with app.test_request_context(
        f"/pairs/{pair.id}", headers={"Cookie": f"{SESSION_COOKIE}={token}"}
    ):
        app.preprocess_request()
        assert my_pair(pair.id)["my_role"] == "mentor"
        sql(instance, "UPDATE pair_members SET accepted_at = NULL WHERE role = 'mentor'")
        with pytest.raises(NotFound):
            my_pair(pair.id)


def test_a_kept_listing_costs_one_statement_and_a_stranger_gets_404(
    app: Flask, instance: Path
) -> None:
    pair = joined_pair(app)
    web, _token = _signed_in(app, MENTOR)
    path = f"/api/v1/pairs/{pair.id}/entries"
    assert web.get(path).status_code == 200
    seen: list[str] = []
    for conn in db.pool(app)._free:
        conn.set_trace_callback(seen.append)
    listed = web.get(path)
    assert listed.status_code == 200 and listed.get_json()["notebook_id"]
    # (The session's touch, once a minute, is not the listing's.)
    seen = [s for s in seen if not s.startswith("UPDATE sessions SET last_seen_at")]
    assert [s.split()[0] for s in seen] == ["SELECT"], seen
    assert "JOIN (SELECT p.*" in seen[0]
    for conn in db.pool(app)._free:
        conn.set_trace_callback(None)
    assert web.get("/api/v1/pairs/p_nosuchpair/entries").status_code == 404
    organiser, _ = _signed_in(app, ORGANISER)
    assert organiser.get(path).status_code == 404
    sql(
        instance,
        "UPDATE pair_members SET removed_at = accepted_at, accepted_at = NULL "
        "WHERE role = 'mentee'",
    )
    mentee, _ = _signed_in(app, MENTEE)
    assert mentee.get(path).status_code == 404
    assert web.get(path).status_code == 200
