"""The notebook's field definitions are built once (imported without context) and still speak
the language of each request; the meeting log renders no slower than its JSON listing needs."""

from __future__ import annotations

from flask import Flask

from tests.helpers import MENTOR, Pair, login_browserless
from workspace.core.i18n import LANG_COOKIE


def test_field_words_follow_each_requests_language(app: Flask, pair: Pair) -> None:
    client = app.test_client()
    assert login_browserless(client, *MENTOR).status_code == 200
    path = f"/pairs/{pair.id}/notebook/meetings/new"
    for _round in range(2):
        client.set_cookie(LANG_COOKIE, "en")
        english = client.get(path).get_data(as_text=True)
        client.set_cookie(LANG_COOKIE, "fi")
        finnish = client.get(path).get_data(as_text=True)
        assert "Length in minutes" in english and "Length in minutes" not in finnish
        assert ">In person<" in english and ">In person<" not in finnish
        assert "Partly reached" in english
        assert "Osittain saavutettu" in finnish


def test_the_field_macros_are_imported_once(app: Flask) -> None:
    """No notebook template imports the field macros `with context` (rebuilt on every use)."""
    sources = app.jinja_env.loader
    assert sources is not None
    for name in app.jinja_env.list_templates():
        if not name.endswith(".html"):
            continue
        text, _file, _up = sources.get_source(app.jinja_env, name)
        assert '_fields.html" as F with context' not in text, name
