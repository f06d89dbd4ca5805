"""Input of any shape gets a clear 4xx, never a 5xx: deep JSON, other charsets, big bodies, odd
headers and query strings, on pages and on the API, signed in or not (issue 12, item 1)."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import csrf_token
from tests.helpers import PASSPHRASE, Pair, login_browserless
from workspace.core.jsonapi import MAX_JSON_DEPTH

DEEP = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000
# Deep, but its brackets sit inside a string: a flat, valid body.
BRACKETS_IN_STRING = '{"email": "' + "[" * 5000 + '"}'
PATHS = ["/api/v1/login", "/api/v1/me/flags", "/login", "/language", "/organiser/programmes"]


def _post(client, path: str, data: bytes | str, content_type: str = "application/json"):
    token = csrf_token(client)
    return client.post(
        path,
        data=data,
        content_type=content_type,
        headers={"X-CSRFToken": token, "Accept-Language": "en"},
    )


@pytest.mark.parametrize("who", ["anonymous", "member"])
@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT, "[" * 5000], ids=["array", "object", "open"])
def test_deep_json_is_a_413_in_the_callers_shape(
    app: Flask, pair: Pair, who: str, body: str
) -> None:
    client = app.test_client()
    if who == "member":
        login_browserless(client, "mentor@example.org", PASSPHRASE + " mentor")
    for path in PATHS:
        response = _post(client, path, body)
        assert response.status_code == 413, path
        if path.startswith("/api/"):
            assert response.json["error"] == "too_large"
            assert str(MAX_JSON_DEPTH) in response.json["message"]
        else:
            assert response.mimetype == "text/html"
            page = response.get_data(as_text=True)
            assert "nested too deeply" in page and "Traceback" not in page


def test_json_at_the_depth_limit_is_read_as_usual(app: Flask, pair: Pair) -> None:
    client = app.test_client()
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    response = _post(client, "/api/v1/login", nested)
    assert response.status_code == 400  # read, then refused by the route: not an object
    assert response.json["error"] == "bad_request"
    assert "nested" not in response.json["message"]
    response = _post(client, "/api/v1/login", BRACKETS_IN_STRING)
    assert response.status_code in (400, 401)
    assert "nested" not in response.json["message"]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ('{"email": "a@b.c"}'.encode("utf-16"), "application/json"),
        ('{"email": "a@b.c"}'.encode("utf-32"), "application/json"),
        ('{"email": "a@b.c"}'.encode("utf-16-le"), "application/json"),
        (b'{"email": "\xff\xfe"}', "application/json"),
        ('\ufeff{"email": "a@b.c"}'.encode(), "application/json"),
        (b'{"email": "a@b.c"}', "application/json; charset=latin-1"),
    ],
    ids=["utf16", "utf32", "utf16le", "bad-bytes", "bom", "charset"],
)
def test_only_utf8_json_is_accepted(app: Flask, data: bytes, content_type: str) -> None:
    client = app.test_client()
    response = _post(client, "/api/v1/login", data, content_type)
    assert response.status_code == 400
    assert response.json["message"] == "Send JSON as UTF-8 text."
    page = _post(client, "/login", data, content_type)
    assert page.status_code == 400 and page.mimetype == "text/html"


def test_utf8_charset_is_fine(app: Flask, pair: Pair) -> None:
    client = app.test_client()
    response = _post(
        client, "/api/v1/prelogin", b'{"email": "a@b.c"}', "application/json; charset=UTF-8"
    )
    assert response.status_code < 400


def test_too_large_body_is_a_413(app: Flask) -> None:
    client = app.test_client()
    big = '{"email": "' + "a" * (3 * 1024 * 1024) + '"}'
    response = _post(client, "/api/v1/login", big)
    assert response.status_code == 413 and response.json["error"] == "too_large"
    page = _post(
        client, "/language", "lang=" + "a" * (3 * 1024 * 1024), "application/x-www-form-urlencoded"
    )
    assert page.status_code == 413 and page.mimetype == "text/html"


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/json; charset"},
        {"Content-Type": 'application/json; charset=""'},
        {"Content-Type": "multipart/form-data"},
        {"Content-Type": "multipart/form-data; boundary=" + "x" * 500},
        {"Accept-Language": "x" * 5000 + ";q=abc, fi;q=2, *;q=-1"},
        {"Cookie": "pb_session=" + "%" * 3000 + "; lang=\x7f"},
        {"HX-Request": "\u00ff" * 10, "X-CSRFToken": "\u00e4" * 50},
        {"Content-Length": "-1"},
        {"Range": "bytes=9-1"},
        {"If-Modified-Since": "yesterday"},
    ],
)
def test_odd_headers_never_fail(app: Flask, pair: Pair, headers: dict[str, str]) -> None:
    client = app.test_client()
    for path in ("/", "/login", "/api/v1/me", "/api/v1/login", "/language", "/static/js/app.js"):
        for method in ("GET", "POST"):
            response = client.open(path, method=method, headers=headers, data=b"{}")
            assert response.status_code < 500, (method, path, headers)


@pytest.mark.parametrize(
    "query",
    [
        "?next=%ff%fe",
        "?next=%00&%00=%00",
        "?" + "a=1&" * 3000,
        "?q=" + "%" * 2000,
        "?lang=%ed%a0%80&next=%c0%af",
    ],
)
def test_odd_query_strings_never_fail(app: Flask, pair: Pair, query: str) -> None:
    client = app.test_client()
    login_browserless(client, "org@example.org", PASSPHRASE)
    for path in ("/login", "/api/v1/me", f"/organiser/programmes/{pair.programme_id}/progress"):
        assert client.get(path + query).status_code < 500, (path, query)
