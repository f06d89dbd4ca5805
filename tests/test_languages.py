"""Swedish and plain Finnish (issue #17): complete catalogues, the plain catalogue's fallback to
standard Finnish, negotiation, the account's language and the one rule for mail languages."""

from __future__ import annotations

import gettext
from datetime import date
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import format_date
from flask_babel import gettext as _

from tests.helpers import MENTEE, MENTOR, csrf_token, login_browserless, sql
from workspace.core import i18n
from workspace.core.i18n_scope import in_scope

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "workspace/translations"


def _located() -> dict[str, list[tuple[str, int]]]:
    """Every msgid in the source with the files and lines it is used at."""
    method_map = [("workspace/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
    found: dict[str, list[tuple[str, int]]] = {}
    for file, line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, []).append((file.replace("\\", "/"), line))
    return found


def _translated(locale: str) -> set[str]:
    with (TRANSLATIONS / locale / "LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    return {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id
        and m.string
        and (all(m.string) if isinstance(m.string, tuple) else True)
        and "fuzzy" not in m.flags
    }


def test_every_source_string_is_translated_to_swedish() -> None:
    missing = sorted(set(_located()) - _translated("sv"))
    assert missing == [], f"{len(missing)} untranslated in sv (make messages, translate): {missing}"


def test_every_string_a_member_or_applicant_meets_is_in_plain_finnish() -> None:
    needed = {msgid for msgid, where in _located().items() if in_scope(where)}
    missing = sorted(needed - _translated("fi@selko"))
    assert missing == [], f"{len(missing)} untranslated in fi@selko: {missing}"


def test_the_scope_rule_leaves_organiser_pages_out_and_keeps_member_pages_in() -> None:
    assert not in_scope([("templates/organiser/programme.html", 3)])
    assert in_scope([("templates/organiser/programme.html", 3), ("templates/pairs/pair.html", 9)])
    located = _located()
    assert in_scope(located["Skip to content"])


@pytest.mark.parametrize("locale", ["sv", "fi@selko"])
def test_compiled_catalogue_matches_source(locale: str) -> None:
    po = TRANSLATIONS / locale / "LC_MESSAGES/messages.po"
    with po.with_suffix(".mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    stale = [
        m.id
        for m in catalog
        if isinstance(m.id, str) and m.id and m.string and compiled.gettext(m.id) != m.string
    ]
    assert stale == [], "run `make compile-messages`"


def _lang_and_text(client: FlaskClient, **headers: str) -> tuple[str, str]:
    html = client.get("/", headers=headers).get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0], html


def test_swedish_is_negotiated_and_plain_finnish_only_chosen(client: FlaskClient) -> None:
    lang, html = _lang_and_text(client, **{"Accept-Language": "sv-FI,sv;q=0.9"})
    assert lang == "sv" and "Hoppa till innehållet" in html
    token = csrf_token(client)
    client.post("/language", data={"csrf_token": token, "lang": "fi@selko"})
    lang, html = _lang_and_text(client, **{"Accept-Language": "en"})
    assert lang == "fi"  # a screen reader reads plain Finnish as Finnish
    assert 'value="fi@selko" lang="fi"\n            aria-pressed="true"' in html or (
        'aria-pressed="true">Selkosuomi' in html
    )


def test_the_old_spelling_of_plain_finnish_is_understood() -> None:
    assert i18n.normalise("fi-selko") == "fi@selko"
    assert i18n.normalise("xx") is None
    assert Locale.parse("fi@selko").modifier == "selko"


def test_plain_finnish_falls_back_to_finnish_never_to_english(app: Flask) -> None:
    organiser_only = sorted(
        msgid
        for msgid, where in _located().items()
        if not in_scope(where) and msgid not in _translated("fi@selko") and "%" not in msgid
    )
    assert organiser_only, "the fallback needs an organiser-only msgid to test with"
    msgid = organiser_only[0]
    with app.test_request_context(headers={"Accept-Language": "fi"}):
        finnish = _(msgid)
    with app.test_request_context(headers={"Cookie": "pb_lang=fi@selko"}):
        plain = _(msgid)
        day = format_date(date(2026, 12, 1), "long")
        own = _("Skip to content")
    assert finnish != msgid and plain == finnish
    assert day == "1. joulukuuta 2026"  # Finnish CLDR data
    assert own != msgid


@pytest.mark.parametrize(
    ("programme", "person", "expected"),
    [
        ("sv", None, "sv"),
        ("fi-selko", None, "fi@selko"),
        ("sv", "en", "en"),
        ("en", "fi@selko", "fi@selko"),
        (None, None, "fi"),
        ("xx", "yy", "fi"),
    ],
)
def test_mail_locale(programme: str | None, person: str | None, expected: str) -> None:
    assert i18n.mail_locale(programme, person) == expected


def _language(instance: Path) -> str | None:
    return sql(instance, "SELECT language FROM users WHERE email = ?", MENTOR[0])[0][0]


def test_the_account_keeps_the_chosen_language(app: Flask, pair, instance: Path) -> None:
    client = app.test_client()
    login_browserless(client, MENTOR[0], MENTOR[1])
    page = client.get("/account").get_data(as_text=True)
    assert 'id="language"' in page
    token = csrf_token(client, "/account")
    bad = client.post("/account/language", data={"csrf_token": token, "language": "xx"})
    assert bad.status_code == 303
    assert _language(instance) is None
    ok = client.post("/account/language", data={"csrf_token": token, "language": "fi@selko"})
    assert ok.status_code == 303 and "pb_lang=fi@selko" in ok.headers["Set-Cookie"]
    assert _language(instance) == "fi@selko"
    # Another device (no cookie) follows the account's choice.
    other = app.test_client()
    login_browserless(other, MENTOR[0], MENTOR[1])
    html = other.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="fi"' in html and "Sinun kielesi" in html
    # The picker, signed in, keeps the choice on the account too.
    token = csrf_token(other, "/account")
    other.post("/language", data={"csrf_token": token, "lang": "sv"})
    assert _language(instance) == "sv"


def test_the_communication_tables_take_the_new_codes(pair, instance: Path) -> None:
    user = sql(instance, "SELECT id FROM users WHERE email = ?", MENTOR[0])[0][0]
    sql(instance, "INSERT INTO mail_preferences (user_id, language) VALUES (?, 'fi@selko')", user)
    sql(
        instance,
        "INSERT INTO message_templates VALUES (?, 'welcome', 'sv', 'Välkommen', 'Hej', '2026')",
        pair.programme_id,
    )
    with pytest.raises(Exception, match="CHECK"):
        sql(instance, "UPDATE mail_preferences SET language = 'de' WHERE user_id = ?", user)


def test_an_invitation_to_a_swedish_programme_opens_in_swedish_and_keeps_a_choice(
    app: Flask, pair, instance: Path
) -> None:
    from memberclient.client import Client
    from tests.helpers import new_pair

    sql(instance, "UPDATE programmes SET language = 'sv' WHERE id = ?", pair.programme_id)
    setup = new_pair(app, pair.organiser, "sara@example.org", "sam@example.org", pair.programme_id)
    visitor = app.test_client()
    bilingual = {"Accept-Language": "fi-FI, fi;q=0.9, sv;q=0.5"}
    page = visitor.get(setup.mentee_link, headers=bilingual).get_data(True)
    assert '<html lang="sv">' in page and "Hoppa till innehållet" in page
    # A browser that does not read Swedish gets its own language.
    page = visitor.get(setup.mentee_link, headers={"Accept-Language": "en-GB"}).get_data(True)
    assert '<html lang="en">' in page
    # Choosing plain Finnish on the join page wins, and the new account keeps the choice.
    browser = app.test_client()
    browser.set_cookie("pb_lang", "fi@selko")
    page = browser.get(setup.mentee_link).get_data(True)
    assert '<html lang="fi">' in page

    def send(method: str, path: str, body: object, headers: dict[str, str]) -> tuple[int, bytes]:
        response = browser.open(path, method=method, json=body, headers=headers)
        return response.status_code, response.get_data()

    Client(transport=send).register(setup.mentee_link, "a long passphrase for sam 42", "Sam")
    language = sql(instance, "SELECT language FROM users WHERE email = 'sam@example.org'")
    assert language[0][0] == "fi@selko"


def test_the_glossary_explains_the_words_in_every_language(client: FlaskClient) -> None:
    from workspace.public.glossary import WORDS

    assert len(WORDS) == 12
    for language, aktori in (
        ("fi", "Aktori (mentoroitava)"),
        ("fi@selko", "Aktori"),
        ("sv", "Adept"),
    ):
        client.set_cookie("pb_lang", language)
        page = client.get("/words").get_data(as_text=True)
        assert aktori in page
        assert 'href="/words"' in client.get("/").get_data(as_text=True)  # the footer
        for word in WORDS:
            assert f'id="{word.anchor}"' in page
    client.set_cookie("pb_lang", "en")
    page = client.get("/words").get_data(as_text=True)
    assert "Mentee (in Finnish: aktori)" in page and "Safety number" in page


def test_aktori_is_explained_where_a_finnish_member_first_meets_it(
    app: Flask, pair, instance: Path
) -> None:
    from tests.helpers import deliver_mail, new_pair, outbox_texts

    setup = new_pair(app, pair.organiser, "sara@example.org", "sam@example.org", pair.programme_id)
    deliver_mail(app)
    invitation = next(t for t in outbox_texts(instance) if "sam@example.org" in t)
    assert "aktoriksi (mentoroitavaksi)" in invitation
    visitor = app.test_client()
    visitor.set_cookie("pb_lang", "fi")
    join = visitor.get(setup.mentee_link).get_data(as_text=True)
    assert "aktoriksi (mentoroitavaksi)" in join and 'href="/words"' in join
    mentee = app.test_client()
    login_browserless(mentee, *MENTEE)
    mentee.set_cookie("pb_lang", "fi")
    assert "Olet aktori (mentoroitava)." in mentee.get(f"/pairs/{pair.id}").get_data(True)
    notebook = mentee.get(f"/pairs/{pair.id}/notebook").get_data(as_text=True)
    assert "Aktori (mentoroitava)" in notebook


def test_the_message_plan_takes_a_wording_in_every_language(app: Flask, pair) -> None:
    from tests.helpers import ORGANISER

    org = app.test_client()
    login_browserless(org, *ORGANISER)
    base = f"/organiser/programmes/{pair.programme_id}/messages"
    for code in i18n.LANGUAGES:
        assert org.get(f"{base}/welcome/{code}").status_code == 200, code
    assert org.get(f"{base}/welcome/fi-selko").status_code == 404


def test_no_mail_decides_its_language_by_hand() -> None:
    """A mail's language comes from i18n.mail_locale (or a page's from i18n.page_locale), never
    from a rule written on the spot such as `"en" if programme["language"] == "en" else "fi"`."""
    import re

    by_hand = re.compile(r"force_locale\(\s*[\"']|[\"']en[\"'] if [^\n]*language")
    found = [
        f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}"
        for path in sorted((ROOT / "workspace").rglob("*.py"))
        if path.name != "demo.py"
        for text in [path.read_text()]
        for m in by_hand.finditer(text)
    ]
    assert found == []


def test_migration_0022_keeps_the_rows_and_rewrites_the_old_code(tmp_path: Path) -> None:
    from workspace.core import db

    conn = db.connect(tmp_path / "m.db", bytes(32))
    before = [m for m in db.migrations() if m.number < 22]
    db.migrate(conn, before)
    conn.executescript(
        "INSERT INTO users (id, email, role, created_at) "
        "VALUES ('u1', 'a@example.org', 'member', 'x');"
        "INSERT INTO programmes (id, name, language, start_date, mid_date, end_date, created_at) "
        "VALUES ('g1', 'Selko', 'fi-selko', '2026-01-01', '2026-03-01', '2026-06-01', 'x');"
        "INSERT INTO mail_preferences (user_id, language) VALUES ('u1', 'en');"
        "INSERT INTO message_templates VALUES ('g1', 'welcome', 'fi', 'Tervetuloa', 'Hei', 'x');"
    )
    db.migrate(conn)
    assert conn.execute("SELECT language FROM programmes").fetchone()[0] == "fi@selko"
    assert conn.execute("SELECT language FROM mail_preferences").fetchone()[0] == "en"
    assert conn.execute("SELECT subject FROM message_templates").fetchone()[0] == "Tervetuloa"
    assert conn.execute("SELECT language FROM users").fetchone()[0] is None
    conn.execute("INSERT INTO message_templates VALUES ('g1', 'welcome', 'sv', 'V', 'H', 'x')")
    with pytest.raises(Exception, match="CHECK"):
        conn.execute("UPDATE users SET language = 'de'")
    # Deleting the programme still cascades to its wording (the rebuilt table kept its keys).
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM programmes")
    assert conn.execute("SELECT count(*) FROM message_templates").fetchone()[0] == 0
