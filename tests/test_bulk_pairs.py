"""Many pairs from a CSV list: every line checked, nothing created if any line is wrong, and
every invitation queued in the one transaction that forms the pairs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.helpers import PASSPHRASE, Pair, login_browserless, new_organiser, new_pair, sql


@pytest.fixture
def org(app: Flask) -> tuple[FlaskClient, str]:
    organiser = new_organiser(app)
    programme_id = new_pair(app, organiser, "first-mentor@example.org", "first-mentee@example.org")
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert login_browserless(client, "org@example.org", PASSPHRASE).status_code == 200
    return client, programme_id.programme_id


def _url(programme_id: str) -> str:
    return f"/organiser/programmes/{programme_id}/pairs/import"


def _post(client: FlaskClient, programme_id: str, action: str = "create", **data: object):
    data = {"csrf_token": csrf_token(client, _url(programme_id)), "action": action, **data}
    return client.post(_url(programme_id), data=data, content_type="multipart/form-data")


def _counts(instance: Path) -> tuple[int, int, int]:
    return (
        sql(instance, "SELECT count(*) FROM pairs")[0][0],
        sql(instance, "SELECT count(*) FROM invitations")[0][0],
        sql(instance, "SELECT count(*) FROM outbox")[0][0],
    )


def test_a_good_file_forms_every_pair_and_queues_every_invitation(
    org: tuple[FlaskClient, str], instance: Path
) -> None:
    client, programme_id = org
    before = _counts(instance)
    csv_bytes = (
        "\ufeffMentor;Mentee\r\n"
        "Anna@Example.org;bilal@example.org\r\n"
        "\r\n"
        "anna@example.org;cecilia@example.org\r\n"
        "dan@example.org;eve@example.org\r\n"
    ).encode()
    response = _post(client, programme_id, file=(io.BytesIO(csv_bytes), "pairs.csv"))
    assert response.status_code == 303, response.get_data(as_text=True)
    after = _counts(instance)
    assert after == (before[0] + 3, before[1] + 6, before[2] + 6)
    recipients = {r[0] for r in sql(instance, "SELECT to_addr FROM outbox")}
    assert {"anna@example.org", "bilal@example.org", "cecilia@example.org"} <= recipients
    assert {"dan@example.org", "eve@example.org"} <= recipients
    created = sql(
        instance,
        "SELECT count(*) FROM audit_log WHERE programme_id = ? AND action = 'pair.created'",
        programme_id,
    )[0][0]
    assert created == 3
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 pairs created. Invitations were sent to all 6 people." in page


def test_one_bad_line_creates_nothing_and_names_every_bad_line(
    org: tuple[FlaskClient, str], instance: Path
) -> None:
    client, programme_id = org
    before = _counts(instance)
    text = (
        "mentor@example.org,mentee1@example.org\n"
        "not-an-address,mentee2@example.org\n"
        "m3@example.org,m3@example.org\n"
        "m4@example.org\n"
        "mentor@example.org,mentee1@example.org\n"
        "org@example.org,mentee5@example.org\n"
        "mentee1@example.org,someone@example.org\n"
        "ok@example.org,fine@example.org\n"
    )
    response = _post(client, programme_id, text=text)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert _counts(instance) == before
    assert "6 lines have a problem. No pair was created." in page
    assert "not-an-address is not a whole email address." in page
    assert "The mentor and the mentee need different email addresses." in page
    assert "A line needs exactly two addresses" in page
    assert "The same pair is already on line 1." in page
    assert "org@example.org is an organiser account" in page
    assert "mentee1@example.org is a mentor on one line and a mentee on another (line 1)." in page
    # The list stays in the box to be fixed.
    assert "ok@example.org,fine@example.org" in page
    # Fixed: the good lines alone go through.
    fixed = "mentor@example.org,mentee1@example.org\nok@example.org,fine@example.org\n"
    assert _post(client, programme_id, text=fixed).status_code == 303
    assert _counts(instance)[0] == before[0] + 2


def test_check_only_shows_the_pairs_and_creates_nothing(
    org: tuple[FlaskClient, str], instance: Path
) -> None:
    client, programme_id = org
    before = _counts(instance)
    response = _post(client, programme_id, "check", text="a@example.org\tb@example.org\n")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The list is right: 1 pair." in page
    assert "a@example.org" in page
    assert _counts(instance) == before


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (b"\x00\x01\x02binary", "This file is not a CSV text file."),
        (b"", "The list has no pairs."),
        (b'"unclosed,x@example.org\n', "could not be read as CSV"),
    ],
)
def test_a_file_that_is_no_list_is_refused_at_its_field(
    org: tuple[FlaskClient, str], instance: Path, upload: bytes, message: str
) -> None:
    client, programme_id = org
    before = _counts(instance)
    response = _post(client, programme_id, file=(io.BytesIO(upload), "x.csv"))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _counts(instance) == before


def test_too_many_lines_are_refused(org: tuple[FlaskClient, str], instance: Path) -> None:
    client, programme_id = org
    text = "".join(f"m{i}@example.org,e{i}@example.org\n" for i in range(501))
    response = _post(client, programme_id, text=text)
    assert response.status_code == 400
    assert "at most 500 pairs at once" in response.get_data(as_text=True)
    assert sql(instance, "SELECT count(*) FROM pairs")[0][0] == 1


def test_without_csrf_nothing_is_created(org: tuple[FlaskClient, str], instance: Path) -> None:
    client, programme_id = org
    response = client.post(
        _url(programme_id),
        data={"text": "a@example.org,b@example.org", "action": "create"},
    )
    assert response.status_code == 400
    assert sql(instance, "SELECT count(*) FROM pairs")[0][0] == 1


def test_other_organisers_and_members_get_404(app: Flask, pair: Pair, instance: Path) -> None:
    url = _url(pair.programme_id)
    new_organiser(app, "other@example.org")
    strangers = []
    for email, passphrase in (
        ("other@example.org", PASSPHRASE),
        ("mentor@example.org", PASSPHRASE + " mentor"),
        ("mentee@example.org", PASSPHRASE + " mentee"),
    ):
        client = app.test_client()
        assert login_browserless(client, email, passphrase).status_code == 200
        strangers.append(client)
    for client in strangers:
        assert client.get(url).status_code == 404
        response = client.post(
            url,
            data={
                "csrf_token": csrf_token(client),
                "text": "x@example.org,y@example.org",
                "action": "create",
            },
        )
        assert response.status_code == 404
    assert client.get("/organiser/programmes/nope/pairs/import").status_code == 404
    assert sql(instance, "SELECT count(*) FROM pairs")[0][0] == 1
