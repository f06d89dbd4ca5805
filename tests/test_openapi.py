"""docs/openapi.yaml is the API's contract: every /api/v1 route is in it (and nothing else), and
every response a realistic flow sees matches the schema the spec gives for its route and status."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask, Response, request, request_finished
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import crypto
from memberclient.client import Client, ClientError
from tests.helpers import MENTEE, MENTOR, Pair, csrf_token, deliver_mail, new_pair, outbox_texts

SPEC_PATH = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
SPEC_URI = "urn:pairbook:openapi"
METHODS = ("get", "put", "post", "delete", "patch")


def load_spec() -> dict[str, Any]:
    """The parsed spec."""
    return yaml.safe_load(SPEC_PATH.read_text("utf-8"))


def spec_operations(spec: dict[str, Any]) -> set[tuple[str, str]]:
    """(METHOD, Flask rule) for every operation in the spec."""
    return {
        (method.upper(), re.sub(r"\{(\w+)\}", r"<\1>", path))
        for path, item in spec["paths"].items()
        for method in item
        if method in METHODS
    }


def app_operations(app: Flask) -> set[tuple[str, str]]:
    """(METHOD, rule) for every /api/ route the app serves."""
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }


class Contract:
    """Validates a response body against the schema the spec gives for its route and status."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        resource = Resource(contents=spec, specification=DRAFT202012)
        self.registry: Registry = Registry().with_resource(SPEC_URI, resource)

    def _resolve(self, node: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
        """Follow an OpenAPI-level $ref (responses are not JSON Schema)."""
        while "$ref" in node:
            pointer = node["$ref"]
            node = self.spec
            for part in pointer.lstrip("#/").split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, pointer

    def response(self, method: str, rule: str, status: int) -> tuple[dict[str, Any], str]:
        """The response object for this status (or `default`) and its JSON pointer."""
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)
        operation = self.spec["paths"].get(path, {}).get(method.lower())
        if operation is None:  # no such route (404) or method (405): the one error shape
            return self._resolve({"$ref": "#/components/responses/Error"}, "")
        key = str(status) if str(status) in operation["responses"] else "default"
        assert key in operation["responses"], f"{method} {path}: {status} not in the spec"
        escaped = path.replace("~", "~0").replace("/", "~1")
        pointer = f"#/paths/{escaped}/{method.lower()}/responses/{key}"
        return self._resolve(operation["responses"][key], pointer)

    def errors(self, seen: Seen) -> list[str]:
        """Every way this response breaks the spec, as readable lines."""
        where = f"{seen.method} {seen.rule} → {seen.status}"
        response, pointer = self.response(seen.method, seen.rule, seen.status)
        problems = []
        for name, header in response.get("headers", {}).items():
            if header.get("required") and name not in seen.headers:
                problems.append(f"{where}: header {name} is missing")
        content = response.get("content", {})
        if "application/json" not in content:
            return problems
        if seen.content_type != "application/json":
            return [*problems, f"{where}: content type {seen.content_type!r}"]
        schema_ref = f"{SPEC_URI}{pointer}/content/application~1json/schema"
        validator = Draft202012Validator({"$ref": schema_ref}, registry=self.registry)
        for error in validator.iter_errors(seen.body):
            location = "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{where}: at /{location}: {error.message[:300]}")
        return problems


@dataclass
class Seen:
    """One /api/ response as the app sent it."""

    method: str
    rule: str
    status: int
    content_type: str
    headers: dict[str, str]
    body: Any


@pytest.fixture
def seen(app: Flask) -> Iterator[list[Seen]]:
    """Every /api/ response the app sends during the test (fixtures' included)."""
    log: list[Seen] = []

    def record(_sender: Flask, response: Response, **_extra: Any) -> None:
        if not request.path.startswith("/api/"):
            return
        rule = request.url_rule.rule if request.url_rule else request.path
        data = response.get_data()
        try:
            body = json.loads(data) if data else None
        except ValueError:
            body = data[:200]
        log.append(
            Seen(
                request.method,
                rule,
                response.status_code,
                response.mimetype,
                dict(response.headers),
                body,
            )
        )

    request_finished.connect(record, app)
    yield log
    request_finished.disconnect(record, app)


@pytest.fixture
def recorded_pair(seen: list[Seen], pair: Pair) -> Pair:
    """`pair`, built while `seen` records (so registration and key exchange are checked too)."""
    return pair


def test_every_route_is_in_the_spec_and_every_operation_is_a_route(app: Flask) -> None:
    in_spec, in_app = spec_operations(load_spec()), app_operations(app)
    assert sorted(in_app - in_spec) == [], "routes missing from docs/openapi.yaml"
    assert sorted(in_spec - in_app) == [], "operations in docs/openapi.yaml the app lacks"


def test_the_spec_is_valid_openapi_3_1() -> None:
    import schemathesis
    from schemathesis.specs.openapi.definitions import OPENAPI_31

    spec = load_spec()
    assert spec["openapi"].startswith("3.1")
    problems = [e.message[:200] for e in Draft202012Validator(OPENAPI_31).iter_errors(spec)]
    assert problems == [], "docs/openapi.yaml is not valid OpenAPI 3.1"
    schema = schemathesis.openapi.from_dict(spec)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(spec_operations(spec))


def test_the_contract_catches_a_wrong_response() -> None:
    contract = Contract(load_spec())
    good = Seen("GET", "/api/v1/csrf", 200, "application/json", {}, {"csrf_token": "t"})
    assert contract.errors(good) == []
    for bad in (
        Seen("GET", "/api/v1/csrf", 200, "application/json", {}, {"token": "t"}),
        Seen("GET", "/api/v1/me", 401, "application/json", {}, {"error": "x"}),
        Seen("GET", "/api/v1/me", 401, "text/html", {}, "<h1>"),
        Seen("POST", "/api/v1/login", 429, "application/json", {}, {"error": "rate_limited"}),
    ):
        assert contract.errors(bad), bad


def _flag_flow(app: Flask, pair: Pair) -> None:
    flag_id = pair.mentee.raise_flag(pair.id, "chemistry", "We do not get on.")
    pair.mentee.my_flags(pair.id)
    flag = next(
        f for f in pair.organiser.programme_flags(pair.programme_id) if f["flag_id"] == flag_id
    )
    pair.organiser.reply_to_flag(pair.programme_id, flag, "Let us talk.")
    pair.organiser.request(
        "POST", f"/api/v1/organiser/flags/{flag_id}/status", {"status": "in_contact"}
    )
    note_id = crypto.new_entry_id()
    with pytest.raises(ClientError):  # a member route: the organiser is not in the pair
        pair.organiser.request("GET", f"/api/v1/pairs/{pair.id}/organisers")
    me = pair.mentee.secrets.identity if pair.mentee.secrets else None
    assert me is not None
    bundles = pair.mentee.request("GET", f"/api/v1/pairs/{pair.id}/organisers")["organisers"]
    recipients = [crypto.verify_bundle(o["bundle"], o["user_id"]) for o in bundles]
    copies = pair.mentee._seal_copies(
        "addition", pair.programme_id, note_id, [*recipients, me.bundle()], {"text": "More."}
    )
    body = {"message_id": note_id, "copies": copies}
    pair.mentee.request("POST", f"/api/v1/me/flags/{flag_id}/messages", body)
    with pytest.raises(ClientError):  # the same message again
        pair.mentee.request("POST", f"/api/v1/me/flags/{flag_id}/messages", body)
    pair.mentee.request("POST", f"/api/v1/me/flags/{flag_id}/withdraw")
    organiser_note = crypto.new_entry_id()
    pair.organiser.request(
        "POST",
        f"/api/v1/organiser/flags/{flag_id}/messages",
        {
            "kind": "note",
            "message_id": organiser_note,
            "copies": pair.organiser._seal_copies(
                "note", pair.programme_id, organiser_note, recipients, {"text": "Noted."}
            ),
        },
    )


def _recruitment_flow(app: Flask, pair: Pair) -> None:
    from memberclient.recruitment import Applicant, read_application
    from tests.support.recruiting import mentee_answers, recruiting_programme

    rec = recruiting_programme(app, pair.organiser, name="Recruiting")
    applicant = Applicant(Client.for_app(app))
    sent = applicant.apply(rec.slug, "mentee", "applicant@example.org", mentee_answers())
    applicant.apply(rec.slug, "mentee", "applicant@example.org", mentee_answers())  # 202
    read_application(pair.organiser, rec.programme_id, sent["application_id"])
    with pytest.raises(ClientError):
        applicant.client.request("POST", f"/api/v1/apply/{rec.slug}/mentor", {"email": 1})


def _applicants_flow(app: Flask, pair: Pair) -> None:
    from memberclient.recruitment import Applicant
    from tests.support.applicants import applications_path, seal_note, sealed_rows
    from tests.support.recruiting import mentee_answers, recruiting_programme

    organiser = pair.organiser
    rec = recruiting_programme(app, organiser, name="Applicants")
    sent = Applicant(Client.for_app(app)).apply(rec.slug, "mentee", "a@example.org", {})
    aid = sent["application_id"]
    organiser.request(
        "POST",
        applications_path(rec.programme_id, f"/{aid}/notes"),
        seal_note(organiser, rec.programme_id, "A note"),
    )
    organiser.request("GET", applications_path(rec.programme_id))
    rows = sealed_rows(organiser, rec.programme_id, mentee_answers(), ["b@example.org"])
    organiser.request(
        "POST", applications_path(rec.programme_id, "/import"), {"applications": rows}
    )
    with pytest.raises(ClientError):  # the same rows again: 400 with each row's problem
        organiser.request(
            "POST", applications_path(rec.programme_id, "/import"), {"applications": rows}
        )
    organiser.request(
        "POST",
        applications_path(rec.programme_id, "/status"),
        {"application_ids": [aid], "status": "paired"},
    )


def _planning_flow(pair: Pair) -> None:
    from tests.support.planning import sealed_note

    organiser, pid = pair.organiser, pair.programme_id
    base = f"/api/v1/organiser/programmes/{pid}/planning"
    organiser.request("PUT", f"{base}/goals/note", sealed_note(organiser, pid, "Aim: jobs."))
    organiser.request("GET", f"{base}/notes")
    with pytest.raises(ClientError):  # not sealed for every organiser: 400
        organiser.request("PUT", f"{base}/goals/note", {"note_id": "n1", "copies": []})
    organiser.request("DELETE", f"{base}/goals/note")
    with pytest.raises(ClientError):  # no note any more: 404
        organiser.request("DELETE", f"{base}/goals/note")


def _matching_flow(app: Flask, pair: Pair) -> None:
    from memberclient.recruitment import Applicant
    from tests.support.recruiting import recruiting_programme

    organiser = pair.organiser
    rec = recruiting_programme(app, organiser, name="Matching")
    base = f"/api/v1/organiser/programmes/{rec.programme_id}/matching"
    ids = [
        Applicant(Client.for_app(app)).apply(rec.slug, role, f"m-{role}{n}@example.org", {})[
            "application_id"
        ]
        for n, role in enumerate(("mentor", "mentee", "mentee"))
    ]
    organiser.request("GET", f"{base}/criteria")
    settings = {"mode": "weight", "weight": 2}
    criteria = {k: settings for k in ("language", "themes", "mode", "times")}
    organiser.request(
        "PUT", f"{base}/criteria", {"criteria": {**criteria, "field": {**settings, "aim": "same"}}}
    )
    with pytest.raises(ClientError):
        organiser.request("PUT", f"{base}/criteria", {"criteria": criteria})
    organiser.request(
        "POST",
        f"{base}/pairs",
        {
            "pairs": [{"mentor_application_id": ids[0], "mentee_application_id": ids[1]}],
            "rest": {"status": "waiting", "application_ids": [ids[2]]},
        },
    )
    # The mentee is removed: the waiting mentee fills the place; a second choice is a 409.
    from workspace.core.db import get_db, transaction
    from workspace.pairs import queries as pairs

    with app.app_context():
        conn = get_db()
        pair_id = conn.execute(
            "SELECT id FROM pairs WHERE programme_id = ?", (rec.programme_id,)
        ).fetchone()["id"]
        with transaction(conn):
            pairs.remove_member(conn, pair_id, "mentee")
    organiser.request("POST", f"{base}/pairs/{pair_id}/mentee", {"application_id": ids[2]})
    with pytest.raises(ClientError):
        organiser.request("POST", f"{base}/pairs/{pair_id}/mentee", {"application_id": ids[2]})


def _surveys_flow(app: Flask, pair: Pair, instance: Path) -> None:
    from memberclient.surveys import answer_survey, seal_answer
    from tests.helpers import open_db
    from workspace.core import clock, mail
    from workspace.surveys import queries as surveys

    conn = open_db(instance)
    try:
        programme = conn.execute(
            "SELECT * FROM programmes WHERE id = ?", (pair.programme_id,)
        ).fetchone()
        surveys.ensure_surveys(conn, programme)
        surveys.set_schedule(conn, pair.programme_id, "midpoint", clock.now().date())
        conn.commit()
    finally:
        conn.close()
    mail.run_jobs(app)
    conn = open_db(instance)
    try:
        survey = surveys.surveys_of(conn, pair.programme_id)["midpoint"]
        token = surveys.new_link(conn, survey["id"], pair.mentee.user_id or "", "2999-01-01")
        conn.commit()
    finally:
        conn.close()
    info = pair.mentor.request("GET", f"/api/v1/surveys/{survey['id']}")
    sealed = seal_answer(pair.programme_id, "midpoint", "mentor", {"q1": 4}, info["organisers"])
    pair.mentor.request("POST", f"/api/v1/surveys/{survey['id']}/answers", sealed)
    pair.mentor.request("POST", f"/api/v1/surveys/{survey['id']}/answers", sealed)  # 200
    with pytest.raises(ClientError):  # a second, different answer: 409
        answer_survey(pair.mentor, survey["id"], {"q1": 2})
    anon = Client.for_app(app)
    by_link = seal_answer(pair.programme_id, "midpoint", "mentee", {}, info["organisers"])
    anon.request("POST", f"/api/v1/survey-links/{token}/answers", by_link)
    with pytest.raises(ClientError):  # badly sealed: 400
        anon.request("POST", f"/api/v1/survey-links/{token}/answers", {"answer_id": "x"})
    pair.organiser.request(
        "GET", f"/api/v1/organiser/programmes/{pair.programme_id}/surveys/midpoint/answers"
    )


def _notebook_flow(pair: Pair) -> None:
    agreement = pair.mentor.add_entry(pair.id, "agreement", {"text": "We meet weekly."})
    pair.mentee.entries(pair.id)
    pair.mentee.confirm(pair.id, pair.mentee.entries(pair.id)[0])  # type: ignore[arg-type]
    pair.mentor.confirm(pair.id, agreement)
    edited = pair.mentor.edit_entry(pair.id, agreement, {"text": "We meet every week."})
    with pytest.raises(ClientError) as stale:  # a stale save: 409 with the current entry
        pair.mentee.edit_entry(pair.id, agreement, {"text": "Fortnightly."})
    assert stale.value.status == 409
    meeting = pair.mentee.add_entry(pair.id, "meeting", {"date": "2026-01-01"}, done=True)
    pair.mentor.add_entry(pair.id, "goal", {"text": "A new job."})
    pair.mentor.notebook(pair.id, ("goal", "meeting"))
    with pytest.raises(ClientError):
        pair.mentor.delete_entry(pair.id, edited)  # an agreement is never deleted: 400
    pair.mentor.delete_entry(pair.id, meeting)
    with pytest.raises(ClientError):
        pair.mentor.delete_entry(pair.id, meeting)  # gone: 404
    pair.mentor.set_phase(pair.id, "closing")
    pair.mentor.set_phase(pair.id, None)
    pair.mentor.mark_verified(pair.id)
    pair.mentee.mark_verified(pair.id)
    pair.mentor.sync_pair(pair.id)
    # A rotation on the member's own choice, then one to a version that is not the next: 409.
    assert pair.mentor.rotate_key(pair.id, now=True)
    pair.mentee.sync_pair(pair.id)
    with pytest.raises(ClientError):
        pair.mentor.request(
            "POST",
            f"/api/v1/pairs/{pair.id}/notebook/rotate",
            {"key_version": 9, "wrapped_key": "AAAA", "now": True},
        )
    pair.mentor.entries(pair.id)
    with pytest.raises(ClientError):  # the pair already has one
        pair.mentor.request(
            "POST",
            f"/api/v1/pairs/{pair.id}/notebook",
            {"notebook_id": "another", "key_version": 1, "wrapped_key": "AAAA"},
        )


def _account_flow(app: Flask, pair: Pair, instance: Path) -> None:
    mentor_email, mentor_passphrase = MENTOR
    pair.mentor.request("GET", "/api/v1/me")
    pair.mentor.pairs()
    pair.mentor.server_data()
    pair.mentor.request("GET", "/api/v1/me/reseal")
    pair.mentor.request("GET", f"/api/v1/pairs/{pair.id}/departure")
    pair.mentor.change_passphrase(mentor_passphrase, mentor_passphrase + "!")
    pair.mentor.logout()
    pair.mentor.login(mentor_email, mentor_passphrase + "!")

    anon = Client.for_app(app)
    for path, body in (
        ("/api/v1/invitations/inspect", {"token": "nothing-here"}),
        ("/api/v1/reset/inspect", {"token": "nothing-here"}),
        ("/api/v1/recovery/complete", {"grant": "x"}),
        ("/api/v1/register", {"token": "nothing-here"}),
        ("/api/v1/login", {"email": mentor_email, "auth_key": "short"}),
    ):
        with pytest.raises(ClientError):
            anon.request("POST", path, body)
    with pytest.raises(ClientError):
        anon.request("GET", "/api/v1/me")
    with pytest.raises(ClientError):
        pair.mentor.request("POST", "/api/v1/invitations/accept", {"token": "nothing-here"})

    # A second pair for the same mentor: an invitation accepted while signed in.
    setup = new_pair(app, pair.organiser, mentee="second@example.org", mentor=mentor_email)
    token = setup.mentor_link.rsplit("/", 1)[-1]
    assert anon.request("POST", "/api/v1/invitations/inspect", {"token": token})["registered"]
    with pytest.raises(ClientError):  # already registered: sign in and accept instead
        anon.register(setup.mentor_link, "another passphrase here", "Maija")
    with pytest.raises(ClientError):  # a pair invitation needs the name for this pair
        pair.mentor.request("POST", "/api/v1/invitations/accept", {"token": token})
    body = {"token": token, "display_name": "Maija M."}
    pair.mentor.request("POST", "/api/v1/invitations/accept", body)

    # Start over by email (a new identity) and recovery by code, as a member would.
    anon.request("POST", "/api/v1/reset/request", {"email": MENTEE[0]})
    deliver_mail(app)  # requests only queue mail; the sender delivers it
    reset = outbox_texts(instance)[-1].split("/reset/")[1].split()[0]
    owner = anon.request("POST", "/api/v1/reset/inspect", {"token": reset})["user_id"]
    _new, registration = crypto.create_account("fresh start passphrase", owner)
    new_identity = {"token": reset, **registration.to_server_json()}
    anon.request("POST", "/api/v1/reset/complete", new_identity)
    code = registration.recovery_code
    assert code is not None
    recovered = Client.for_app(app)
    recovered.recover(MENTEE[0], code, "a recovered passphrase")
    # A new recovery code made on the device, and the step "I have saved it".
    recovered.request("POST", "/api/v1/me/recovery-code/saved")
    kdf = crypto.KdfParams.from_json(recovered.request("GET", "/api/v1/me/keys")["kdf"])
    auth_key = crypto.derive_passphrase_keys("a recovered passphrase", kdf).auth_key
    _code, fresh = crypto.rewrap_for_new_recovery_code(recovered.secrets)  # type: ignore[arg-type]
    body = {"auth_key": crypto.b64u_encode(auth_key), **fresh}
    recovered.request("POST", "/api/v1/me/recovery-code", body)
    with pytest.raises(ClientError):  # the passphrase proves it is the member
        recovered.request("POST", "/api/v1/me/recovery-code", {**body, "auth_key": "A" * 43})
    with pytest.raises(ClientError):  # a used invitation: "you have joined, sign in" (409)
        anon.request("POST", "/api/v1/invitations/inspect", {"token": token})

    # Erasing an account is the end of the flow.
    pair.mentor.sync_pair(pair.id)
    pair.mentor.delete_account(mentor_passphrase + "!")


def _rate_limited(app: Flask) -> None:
    """Only failed sign-ins count: the eleventh wrong key for one account is a 429."""
    client = app.test_client()
    token = csrf_token(client)
    wrong = crypto.b64u_encode(b"\x00" * 32)
    for _ in range(11):
        response = client.post(
            "/api/v1/login",
            json={"email": "limited@example.org", "auth_key": wrong},
            headers={"X-CSRFToken": token},
        )
    assert response.status_code == 429


def _malformed(app: Flask) -> None:
    client = app.test_client()
    client.post("/api/v1/prelogin", json={"email": "x@example.org"})  # no CSRF token: 400
    token = csrf_token(client)
    for body in ("not json", "[1]", '{"email": 5}'):
        client.post(
            "/api/v1/prelogin",
            data=body,
            headers={"X-CSRFToken": token, "Content-Type": "application/json"},
        )
    client.delete("/api/v1/me")  # 405


def test_every_response_of_a_realistic_flow_matches_the_spec(
    app: Flask, instance: Path, seen: list[Seen], recorded_pair: Pair
) -> None:
    pair = recorded_pair
    _notebook_flow(pair)
    _flag_flow(app, pair)
    _recruitment_flow(app, pair)
    _applicants_flow(app, pair)
    _matching_flow(app, pair)
    _planning_flow(pair)
    _surveys_flow(app, pair, instance)
    _account_flow(app, pair, instance)
    _malformed(app)
    _rate_limited(app)

    contract = Contract(load_spec())
    problems = [line for response in seen for line in contract.errors(response)]
    assert not problems, "\n".join(problems)
    # The flow must reach every operation, each with a success and the errors seen counted.
    api_rules = {(s.method, s.rule) for s in seen if s.rule.startswith("/api/")}
    assert sorted(spec_operations(contract.spec) - api_rules) == []
    statuses = {s.status for s in seen}
    assert {200, 201, 400, 401, 404, 405, 409, 429} <= statuses


def test_the_spec_says_truly_which_calls_need_a_session_and_a_csrf_token(app: Flask) -> None:
    spec = load_spec()
    client = app.test_client()
    token = csrf_token(client)
    for path, item in spec["paths"].items():
        url = re.sub(r"\{\w+\}", "x", path)
        for method in (m for m in item if m in METHODS):
            schemes = {name for req in item[method].get("security", []) for name in req}
            state_changing = method != "get"
            assert ("csrfToken" in schemes) == state_changing, f"{method} {path}: csrfToken"
            if state_changing:
                refused = client.open(url, method=method.upper(), json={})
                assert refused.status_code == 400, f"{method} {path} without X-CSRFToken"
            answer = client.open(
                url, method=method.upper(), json={}, headers={"X-CSRFToken": token}
            )
            signed_in = "session" in schemes
            assert (answer.status_code == 401) == signed_in, f"{method} {path}: session"
