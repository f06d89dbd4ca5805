"""The public application API: a sealed application is stored with its acknowledgement queued;
a repeat waits for confirmation by email; a closed call is a 409; a wrong envelope is a 400 and
nothing is stored."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from memberclient.client import Client, ClientError
from memberclient.recruitment import Applicant, read_application, seal_application
from tests.helpers import deliver_mail, new_organiser, outbox_texts, sql
from tests.support.recruiting import mentee_answers, recruiting_programme
from workspace.core import clock


@pytest.fixture
def setup(app: Flask) -> tuple[Client, Any]:
    organiser = new_organiser(app)
    return organiser, recruiting_programme(app, organiser)


def _count(instance: Any, table: str) -> int:
    return sql(instance, f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608 (test names)


def test_public_calls_carry_both_calls_and_the_organisers(
    app: Flask, instance: Any, setup: Any
) -> None:
    organiser, rec = setup
    public = Applicant(Client.for_app(app)).programme(rec.slug)
    assert public["programme_id"] == rec.programme_id
    assert [c["role"] for c in public["calls"]] == ["mentor", "mentee"]
    assert all(c["open"] for c in public["calls"])
    assert [o["user_id"] for o in public["organisers"]] == [organiser.user_id]
    assert public["privacy"]["controller"] == "Järjestö ry"
    sql(
        instance,
        "UPDATE calls SET state = 'draft', offer = 'half-written' WHERE role = 'mentor'",
    )
    public = Applicant(Client.for_app(app)).programme(rec.slug)
    assert [c["role"] for c in public["calls"]] == ["mentee"]


def test_an_application_is_stored_sealed_and_acknowledged(
    app: Flask, instance: Any, setup: Any
) -> None:
    organiser, rec = setup
    answer = Applicant(Client.for_app(app)).apply(
        rec.slug, "mentee", "Ada@Example.org", mentee_answers("kanarialintu"), "en"
    )
    assert answer["status"] == "received"
    row = sql(instance, "SELECT role, email, language, status FROM applications")[0]
    assert tuple(row) == ("mentee", "Ada@example.org", "en", "new")
    assert _count(instance, "application_copies") == 1
    opened = read_application(organiser, rec.programme_id, answer["application_id"])
    assert opened["answers"] == mentee_answers("kanarialintu")
    deliver_mail(app)
    ack = outbox_texts(instance)[-1]
    assert "Ada@example.org" in ack and "kanarialintu" not in ack
    assert "/apply/status/" in ack


def test_a_repeat_waits_for_confirmation_and_makes_no_duplicate(
    app: Flask, instance: Any, setup: Any
) -> None:
    _organiser, rec = setup
    applicant = Applicant(Client.for_app(app))
    first = applicant.apply(rec.slug, "mentee", "ada@example.org", mentee_answers("one"))
    again = applicant.apply(rec.slug, "mentee", "ADA@example.org", mentee_answers("two"))
    assert again["status"] == "confirm"
    ids = [r[0] for r in sql(instance, "SELECT id FROM applications")]
    assert ids == [first["application_id"]]
    # The same person may apply for the other role.
    other = applicant.apply(rec.slug, "mentor", "ada@example.org", {"name": "Ada", "capacity": 1})
    assert other["status"] == "received"
    assert _count(instance, "applications") == 2


def test_a_closed_call_is_refused(app: Flask, instance: Any, setup: Any) -> None:
    _organiser, rec = setup
    sql(instance, "UPDATE calls SET state = 'closed' WHERE role = 'mentee'")
    with pytest.raises(ClientError) as refused:
        Applicant(Client.for_app(app)).apply(rec.slug, "mentee", "a@example.org", {"name": "A"})
    assert refused.value.status == 409
    assert "päättynyt" in refused.value.body["message"]  # in the request's language
    assert _count(instance, "applications") == 0


def test_a_call_past_its_closing_day_is_refused(app: Flask, instance: Any, setup: Any) -> None:
    _organiser, rec = setup
    clock.travel(timedelta(days=11))
    try:
        with pytest.raises(ClientError) as refused:
            Applicant(Client.for_app(app)).apply(rec.slug, "mentor", "a@example.org", {})
    finally:
        clock.reset()
    assert refused.value.status == 409


def _envelope(app: Flask, rec: Any) -> dict[str, Any]:
    public = Applicant(Client.for_app(app)).programme(rec.slug)
    sealed = seal_application(rec.programme_id, "mentee", mentee_answers(), public["organisers"])
    return {"email": "ada@example.org", "language": "fi", **sealed}


def _breakages(good: dict[str, Any], other_organiser_bundle: dict[str, Any]) -> list[Any]:
    sealed = good["copies"][0]["sealed"]
    big = {**sealed, "ct": "A" * 300_000}
    out: list[Any] = [
        {k: v for k, v in good.items() if k != "bundle"},
        {**good, "extra": 1},
        {**good, "email": "not an email"},
        {**good, "email": ["a@example.org"]},
        {**good, "language": "de"},
        {**good, "application_id": "bad id!"},
        {**good, "bundle": other_organiser_bundle},
        {**good, "copies": []},
        {**good, "copies": [good["copies"][0], good["copies"][0]]},
        {**good, "copies": [{"recipient_id": "u_nobody", "sealed": sealed}]},
        {**good, "copies": [{**good["copies"][0], "sealed": {**sealed, "v": 2}}]},
        {**good, "copies": [{**good["copies"][0], "sealed": {**sealed, "n": "AAAA"}}]},
        {**good, "copies": [{**good["copies"][0], "sealed": big}]},
        {**good, "copies": "sealed"},
        [good],
    ]
    return out


def test_wrong_shapes_and_sizes_are_400_and_store_nothing(
    app: Flask, instance: Any, setup: Any
) -> None:
    organiser, rec = setup
    good = _envelope(app, rec)
    bundle = sql(instance, "SELECT bundle FROM key_material")[0][0]
    client = Client.for_app(app)
    mail_before = _count(instance, "outbox")
    for bad in _breakages(good, json.loads(bundle)):
        status, raw = client._send(
            "POST",
            f"/api/v1/apply/{rec.slug}/mentee",
            copy.deepcopy(bad),  # type: ignore[arg-type]
            {
                "X-CSRFToken": client.request("GET", "/api/v1/csrf")["csrf_token"],
                "Content-Type": "application/json",
            },
        )
        assert status == 400, (status, raw[:200], str(bad)[:200])
        assert json.loads(raw)["message"]
    assert _count(instance, "applications") == 0
    assert _count(instance, "application_copies") == 0
    assert _count(instance, "outbox") == mail_before
    # The good one still goes through, once.
    assert client.request("POST", f"/api/v1/apply/{rec.slug}/mentee", good) == {
        "status": "received"
    }
    with pytest.raises(ClientError) as twice:
        client.request("POST", f"/api/v1/apply/{rec.slug}/mentee", good)
    assert twice.value.status == 409


def test_unknown_slug_role_or_draft_call_is_404(app: Flask, instance: Any, setup: Any) -> None:
    _organiser, rec = setup
    client = Client.for_app(app)
    for method, path in (("GET", "/api/v1/apply/nope"), ("POST", "/api/v1/apply/nope/mentee")):
        with pytest.raises(ClientError) as missing:
            client.request(method, path, None if method == "GET" else {})
        assert missing.value.status == 404
    with pytest.raises(ClientError) as missing:
        client.request("POST", f"/api/v1/apply/{rec.slug}/organiser", {})
    assert missing.value.status == 404
    sql(instance, "UPDATE calls SET state = 'draft'")
    with pytest.raises(ClientError) as missing:
        client.request("POST", f"/api/v1/apply/{rec.slug}/mentee", {})
    assert missing.value.status == 404


def test_posting_without_csrf_is_refused(app: Flask, setup: Any) -> None:
    _organiser, rec = setup
    response = app.test_client().post(f"/api/v1/apply/{rec.slug}/mentee", json={})
    assert response.status_code == 400
