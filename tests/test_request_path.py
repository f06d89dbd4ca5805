"""What every request passes through, made cheaper for issue 19 without changing what it does:
the rate limiter's check before the view, the log line, the session's times."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import BadSignature

from workspace.core import clock, limits, logs, security


def test_the_limiters_middleware_check_runs_whenever_it_has_something_to_check(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(limits.limiter, "_check_request_limit", lambda: calls.append("checked"))
    assert limits._middleware_idle()
    assert client.get("/api/v1/csrf").status_code == 200
    assert calls == []
    manager = limits.limiter.limit_manager
    settings = [("_application_limits", [object()]), ("_default_limits", [object()])]
    settings.append(("_endpoint_hints", {"accounts_api.csrf": {"x"}}))
    for name, value in settings:
        with monkeypatch.context() as patch:
            patch.setattr(manager, name, value)
            assert not limits._middleware_idle()
            assert client.get("/api/v1/csrf").status_code == 200
    assert calls == ["checked"] * 3


def test_a_routes_own_limit_still_answers_429_with_the_middleware_check_skipped(
    instance: object,
) -> None:
    from workspace import create_app

    app = create_app({"TESTING": True, "INSTANCE": instance, "RATELIMIT_PRELOGIN": "2 per hour"})
    client = app.test_client()
    token = client.get("/api/v1/csrf").get_json()["csrf_token"]
    assert limits._middleware_idle()
    answers = [
        client.post(
            "/api/v1/prelogin", json={"email": "a@example.org"}, headers={"X-CSRFToken": token}
        ).status_code
        for _ in range(3)
    ]
    assert answers == [200, 200, 429]


def test_the_log_line_is_formatted_once_for_both_streams_and_still_cut() -> None:
    calls = []

    class Counting(logs.RedactingFormatter):
        def format(self, record: logging.LogRecord) -> str:
            calls.append(record)
            return super().format(record)

    file, stderr = io.StringIO(), io.StringIO()
    handler = logs.BatchedHandler([file, stderr])
    handler.setFormatter(Counting("%(levelname)s %(message)s"))
    logger = logging.getLogger("pairbook-test.once")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.warning("sent %s", "https://x.test/join/abcdefghij")
    handler.close()
    assert len(calls) == 1
    assert file.getvalue() == stderr.getvalue() == "WARNING sent <link removed>\n"


@pytest.mark.parametrize(
    "text", ["2026-12-02T10:00:00Z", "2024-02-29T23:59:59Z", "1999-01-01T00:00:00Z"]
)
def test_stored_times_parse_as_before(text: str) -> None:
    expected = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    parsed = clock.parse(text)
    assert parsed == expected and parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    ["2026-12-02", "2026-12-02T10:00:00", "2026-12-02T10:00:00+02:00", "2026-02-30T10:00:00Z"],
)
def test_other_times_are_refused_as_before(text: str) -> None:
    with pytest.raises(ValueError):
        clock.parse(text)


def test_the_session_serializer_is_made_once_per_secret_key(app: Flask) -> None:
    sessions = security.KeptSerializerSessions()
    first = sessions.get_signing_serializer(app)
    assert sessions.get_signing_serializer(app) is first
    signed = first.dumps({"csrf_token": "t"})
    app.secret_key = "another secret key, as after a rotation"
    second = sessions.get_signing_serializer(app)
    assert second is not first
    with pytest.raises(BadSignature):
        second.loads(signed)


def test_every_answer_still_varies_on_what_it_depends_on(client: FlaskClient) -> None:
    api = client.get("/api/v1/csrf")
    assert api.headers["Vary"] == "Accept-Encoding, Cookie, Accept-Language"
    page = client.get("/")
    assert {v.strip() for v in page.headers["Vary"].split(",")} >= {
        "Accept-Encoding",
        "Cookie",
        "Accept-Language",
    }
    assert api.headers["Content-Security-Policy"] == security.CSP
