"""`next` targets: only paths on this site, in any spelling (issue 12, item 2). The one check is
workspace/core/redirects.py; the sign-in page and the language switch use it, and the browser
takes the value the server rendered (tests/test_browser_redirects.py)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import Flask

from tests.conftest import csrf_token
from tests.helpers import PASSPHRASE, Pair, login_browserless
from workspace.core.redirects import safe_next

SAME_SITE = [
    "/",
    "/pairs",
    "/pairs/p_abc-DEF_123",
    "/organiser/programmes/x/progress?filter=attention&phase=2",
    "/organiser?next=%2Fpairs",  # an escaped slash in the query names no host
    "/pairs#entries",
    "/join/tok_en-123",
    "/a/%C3%A4",
    "/.well-known/x",
    "/@evil.example",  # a path that happens to hold a name
]
ELSEWHERE = [
    None,
    "",
    7,
    ["/pairs"],
    "pairs",
    "./pairs",
    "//evil.example",
    "//evil.example/x",
    "///evil.example",
    "/\\evil.example/x",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "/%5Cevil.example/x",
    "/%5cevil.example/x",
    "/%2Fevil.example",
    "/%2fevil.example",
    "/%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "/%255Cevil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/ /evil.example",
    "/\x00/evil.example",
    "/%00/x",
    "/%0a/evil.example",
    "/\u3000/evil.example",
    "/\uff0f/evil.example",
    "/\u2215evil.example",
    "http://evil.example",
    "https://evil.example/x",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " /pairs",
    "\t//evil.example",
    "/pairs%",
    "/pairs%zz",
    '/x"onmouseover=alert(1)',
    "/<script>",
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", SAME_SITE)
def test_same_site_paths_are_kept(target: str) -> None:
    assert safe_next(target) == target


@pytest.mark.parametrize("target", ELSEWHERE, ids=repr)
def test_anything_else_is_refused(target: object) -> None:
    assert safe_next(target) is None


def test_login_page_and_language_switch_refuse_every_unsafe_next(app: Flask, pair: Pair) -> None:
    targets = [t for t in ELSEWHERE if isinstance(t, str) and t]
    anonymous = app.test_client()
    for target in targets:
        page = anonymous.get("/login?next=" + quote(target, safe=""))
        assert page.status_code == 200
        assert 'data-next=""' in page.get_data(as_text=True), target
    client = app.test_client()
    login_browserless(client, "mentor@example.org", PASSPHRASE + " mentor")
    token = csrf_token(client)
    for target in targets:
        answer = client.get("/login?next=" + quote(target, safe=""))
        assert answer.status_code == 302 and answer.headers["Location"] == "/pairs", target
        data = {"lang": "en", "next": target, "csrf_token": token}
        switched = client.post("/language", data=data)
        assert switched.status_code == 303 and switched.headers["Location"] == "/", target


def test_login_page_keeps_a_same_site_next(app: Flask, pair: Pair) -> None:
    client = app.test_client()
    page = client.get("/login?next=" + quote("/pairs/x?tab=goals", safe=""))
    assert 'data-next="/pairs/x?tab=goals"' in page.get_data(as_text=True)
    login_browserless(client, "mentor@example.org", PASSPHRASE + " mentor")
    assert client.get("/login?next=/pairs/x").headers["Location"] == "/pairs/x"
    token = csrf_token(client)
    back = client.post("/language", data={"lang": "en", "next": "/privacy", "csrf_token": token})
    assert back.headers["Location"] == "/privacy"
