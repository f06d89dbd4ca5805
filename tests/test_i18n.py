"""Language negotiation, the no-JavaScript switcher and complete catalogues."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from tests.conftest import csrf_token

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "workspace/translations/fi/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")


def _lang(client: FlaskClient, **headers: str) -> str:
    html = client.get("/", headers=headers).get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_default_is_finnish(client: FlaskClient) -> None:
    assert _lang(client) == "fi"
    assert "Siirry sisältöön" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-GB,en;q=0.9", "en"),
        ("fi-FI", "fi"),
        ("sv-SE,en;q=0.5", "sv"),
        ("da-DK,en;q=0.5", "en"),
        ("de-DE", "fi"),
    ],
)
def test_accept_language(client: FlaskClient, header: str, expected: str) -> None:
    assert _lang(client, **{"Accept-Language": header}) == expected


def test_explicit_choice_wins_and_works_without_js(client: FlaskClient) -> None:
    token = csrf_token(client)
    response = client.post(
        "/language", data={"csrf_token": token, "lang": "en", "next": "/some/page"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/some/page"
    assert _lang(client, **{"Accept-Language": "fi"}) == "en"
    assert "Skip to content" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_switcher_never_redirects_off_site(client: FlaskClient, target: str) -> None:
    token = csrf_token(client)
    response = client.post("/language", data={"csrf_token": token, "lang": "fi", "next": target})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_ignored(client: FlaskClient) -> None:
    token = csrf_token(client)
    response = client.post("/language", data={"csrf_token": token, "lang": "xx"})
    assert "pb_lang" not in response.headers.get("Set-Cookie", "")


def _source_messages() -> set[str]:
    method_map = [("workspace/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
    found: set[str] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_source_string_is_translated_to_finnish() -> None:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="fi")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id
        and m.string
        and (all(m.string) if isinstance(m.string, tuple) else True)
        and "fuzzy" not in m.flags
    }
    missing = sorted(_source_messages() - translated)
    assert missing == [], f"untranslated (run `make messages` and translate): {missing}"


def test_compiled_catalogue_matches_source() -> None:
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="fi")
    stale = []
    for m in catalog:
        if (
            not m.id
            or "fuzzy" in m.flags
            or not (all(m.string) if isinstance(m.string, tuple) else m.string)
        ):
            continue  # untranslated entries are the other test's business
        if isinstance(m.id, tuple):
            got = (compiled.ngettext(m.id[0], m.id[1], 1), compiled.ngettext(m.id[0], m.id[1], 2))
            if got != tuple(m.string):
                stale.append(m.id[0])
        elif compiled.gettext(m.id) != m.string:
            stale.append(m.id)
    assert stale == [], "run `make compile-messages`"


def test_a_sentence_that_begins_with_a_name_begins_with_a_capital_and_stays_escaped(
    client: FlaskClient,
) -> None:
    from flask import render_template_string

    text = '{{ _("%(name)s has confirmed this version.", name=name)|sentence }}'
    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        plain = render_template_string(text, name="your partner")
        hostile = render_template_string(text, name="<img src=x onerror=alert(1)>")
    assert plain == "Your partner has confirmed this version."
    assert hostile.startswith("&lt;img src=x onerror=alert(1)&gt; has confirmed")
