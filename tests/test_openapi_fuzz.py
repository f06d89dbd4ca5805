"""Property-based fuzzing of every /api/v1 operation from docs/openapi.yaml with schemathesis.

Runs in `make test` (CI) within a fixed time budget; `PAIRBOOK_SKIP_FUZZ=1` skips it locally.
Each operation gets valid and invalid requests, sent anonymously or with a real signed-in
session (cookie and CSRF token), with path ids that are mostly the pair's real ones; the run
fails on any 5xx and on any response that breaks the spec.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import MENTOR, ORGANISER, Pair, joined_pair, login_browserless
from workspace import create_app

pytestmark = pytest.mark.skipif(
    os.environ.get("PAIRBOOK_SKIP_FUZZ") == "1", reason="PAIRBOOK_SKIP_FUZZ=1 skips the API fuzz"
)

SPEC_PATH = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
# The whole run stays under three minutes: a budget for sending, and fewer examples each.
BUDGET_SECONDS = 120
EXAMPLES_PER_OPERATION = 60


class _TimeUp(BaseException):
    """This operation's share of the budget is spent (a BaseException: Hypothesis lets it
    through instead of reporting a failure)."""


class Identity:
    """The cookies and CSRF header of one session the fuzzer speaks as."""

    def __init__(self, client: FlaskClient) -> None:
        token = client.get("/api/v1/csrf").get_json()["csrf_token"]
        self.headers = {"X-CSRFToken": token}
        self.cookies = {
            name: cookie.value
            for name in ("pb_session", "pb_sid")
            if (cookie := client.get_cookie(name)) is not None
        }


def _signed_in(app: Flask, email: str, passphrase: str) -> Identity:
    client = app.test_client()
    assert login_browserless(client, email, passphrase).status_code == 200
    return Identity(client)


def _real_ids(app: Flask, pair: Pair) -> dict[str, list[str]]:
    """Ids that exist, so the fuzzer gets past the guards into the routes' own checks."""
    agreement = pair.mentor.add_entry(pair.id, "agreement", {"text": "Weekly."})
    meeting = pair.mentor.add_entry(pair.id, "meeting", {"date": "2026-01-01"})
    flag_id = pair.mentor.raise_flag(pair.id, "other", "A note.")
    return {
        "pair_id": [pair.id],
        "programme_id": [pair.programme_id],
        "entry_id": [agreement.entry_id, meeting.entry_id],
        "flag_id": [flag_id],
        "share_id": ["s_unknown"],
    }


def _fuzz(
    operation: Any,
    strategies: list[Any],
    who: list[str],
    ids: dict[str, list[str]],
    identities: dict[str, Identity],
    app: Flask,
    checks: list[Any],
    stop_at: float,
    sent: dict[str, Counter[int]],
) -> None:
    """Fuzz one operation: each example as one of `who` in turn, mostly with real path ids."""
    label = f"{operation.method.upper()} {operation.path}"

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=timedelta(seconds=10),
        database=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies))
    def fuzz(case: Any) -> None:
        if time.monotonic() > stop_at:
            raise _TimeUp
        # Taken in turn, not drawn (Hypothesis would favour the first): mostly real ids and a
        # real session, the way past the guards into each route's own checks.
        n = sent[label].total() if label in sent else 0
        for offset, (name, values) in enumerate(sorted(ids.items())):
            if name in case.path_parameters and (n + offset) % 4:
                case.path_parameters[name] = values[(n // 4) % len(values)]
        identity = identities[who[n % len(who)]]
        case.cookies = dict(identity.cookies)
        case.headers = {**(case.headers or {}), **identity.headers}
        response = case.call(app=app)
        sent.setdefault(label, Counter())[response.status_code] += 1
        case.validate_response(response, checks=checks)

    with contextlib.suppress(_TimeUp):
        fuzz()


def test_fuzz_every_operation_from_the_spec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.generation import GenerationMode
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    from workspace.cli import init_instance

    started = time.monotonic()
    folder = tmp_path / "instance"
    init_instance(folder)
    # The limiter has its own tests; here it would turn most sign-in calls into 429s.
    app = create_app(
        {"TESTING": True, "INSTANCE": folder, "RATELIMIT_AUTH": "100000 per minute"}
        | {"RATELIMIT_ACCOUNT": "100000 per minute"}
    )
    pair = joined_pair(app)
    ids = _real_ids(app, pair)
    identities = {
        "anonymous": Identity(app.test_client()),
        "member": _signed_in(app, *MENTOR),
        "organiser": _signed_in(app, *ORGANISER),
    }
    schema = schemathesis.openapi.from_dict(yaml.safe_load(SPEC_PATH.read_text("utf-8")))
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]
    setup_seconds = time.monotonic() - started
    run_until = time.monotonic() + BUDGET_SECONDS
    sent: dict[str, Counter[int]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]

    for done, operation in enumerate(operations):
        # Each operation gets an equal share of what is left, so none goes unfuzzed.
        stop_at = time.monotonic() + (run_until - time.monotonic()) / (len(operations) - done)
        strategies = [operation.as_strategy(mode) for mode in GenerationMode]
        # In turn: one request in eight anonymous, and a member on organisers' routes too.
        who = ["anonymous", *["member"] * 7]
        if "/organiser/" in operation.path:
            who = ["anonymous", "member", *["organiser"] * 6]
        if operation.path == "/api/v1/logout":
            who = ["anonymous"]  # the signed-in sessions must last the whole run

        _fuzz(operation, strategies, who, ids, identities, app, checks, stop_at, sent)

    elapsed = time.monotonic() - started
    statuses = sum(sent.values(), Counter())
    with capsys.disabled():
        print(
            f"\nAPI fuzz: {statuses.total()} requests over {len(sent)} operations in "
            f"{elapsed:.1f} s ({setup_seconds:.1f} s setting up); statuses "
            + ", ".join(f"{code}: {count}" for code, count in sorted(statuses.items()))
        )
    assert len(sent) == len(operations), "an operation was never fuzzed"
    assert elapsed < 180
