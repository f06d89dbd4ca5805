"""The app factory, startup checks, headers, CSRF, errors and languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.helpers import read_log
from workspace import create_app
from workspace.core import config, db
from workspace.core.security import CSP

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def test_factory_uses_given_instance(app: Flask, instance: Path) -> None:
    assert Path(app.instance_path) == instance
    assert app.config["TESTING"] is True
    assert app.config["SECRET_KEY"] == config.read_secret(instance, config.SECRET_KEY_FILE)


def test_instance_from_environment(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAIRBOOK_INSTANCE", str(instance))
    assert Path(create_app().instance_path) == instance


def test_relative_instance_env_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAIRBOOK_INSTANCE", "relative/folder")
    with pytest.raises(config.StartupError, match="absolute path"):
        create_app()


def test_csp_is_strict() -> None:
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in CSP


@pytest.mark.parametrize("path", ["/", "/no-such-page", "/static/css/app.css", "/language"])
def test_security_headers_on_every_response(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_pages_are_not_cached_but_static_files_are(client: FlaskClient) -> None:
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_post_without_csrf_is_rejected_and_changes_nothing(client: FlaskClient) -> None:
    response = client.post("/language", data={"lang": "en", "next": "/"})
    assert response.status_code == 400
    assert "pb_lang" not in response.headers.get("Set-Cookie", "")
    assert "Traceback" not in response.get_data(as_text=True)


def test_an_api_call_with_an_old_csrf_token_is_told_so(client: FlaskClient) -> None:
    """The browser's client fetches a fresh token and retries once on exactly this answer."""
    response = client.post(
        "/api/v1/prelogin", json={"email": "a@example.org"}, headers={"X-CSRFToken": "old"}
    )
    assert response.status_code == 400
    assert response.get_json()["reason"] == "csrf"
    assert response.get_json()["error"] == "bad_request"


def test_htmx_style_csrf_header_is_accepted(client: FlaskClient) -> None:
    token = csrf_token(client)
    response = client.post(
        "/language", data={"lang": "en"}, headers={"X-CSRFToken": token, "HX-Request": "true"}
    )
    assert response.status_code == 303


def test_body_carries_csrf_header_for_htmx(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    # The token is signed with a timestamp: compare it within one page, never across two.
    token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert f'hx-headers=\'{{"X-CSRFToken": "{token}"}}\'' in html
    assert '"allowEval":false' in html and '"historyCacheSize":0' in html


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [("get", "/nowhere", 404), ("put", "/", 405), ("get", "/language", 405)],
)
def test_error_pages_use_layout(client: FlaskClient, method: str, path: str, code: int) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == code
    body = response.get_data(as_text=True)
    assert 'id="main"' in body and f"{code}" in body


def test_oversized_request_gets_413(client: FlaskClient, app: Flask) -> None:
    too_big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/language", data=too_big, content_type="application/octet-stream")
    assert response.status_code == 413
    assert 'id="main"' in response.get_data(as_text=True)


def test_500_shows_no_internals(instance: Path) -> None:
    app = create_app({"INSTANCE": instance})

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in body and "Traceback" not in body
    assert 'id="main"' in body


def test_request_log_has_route_pattern_not_query(client: FlaskClient, instance: Path) -> None:
    client.get("/?token=canary-token-7781")
    client.get("/static/css/app.css")
    log = read_log(instance)
    assert "GET / 200" in log
    assert "GET /static/<path:filename> 200" in log
    assert "canary-token-7781" not in log


def test_migrations_are_consecutive() -> None:
    numbers = [m.number for m in db.migrations()]
    assert numbers == list(range(1, len(numbers) + 1))
