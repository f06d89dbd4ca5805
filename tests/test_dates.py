"""Every date a person reads goes through the locale's formatter: no page or mail shows an ISO
date (2026-12-01) in its text. ISO dates stay only where machines read them: `datetime=` and
`data-` attributes, CSV, JSON and .ics files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from memberclient.client import Client
from memberclient.recruitment import Applicant
from tests.helpers import (
    MENTOR,
    ORGANISER,
    Pair,
    csrf_token,
    deliver_mail,
    login_browserless,
    outbox_texts,
    sql,
)
from tests.support.recruiting import mentee_answers, recruiting_programme
from workspace.core import clock
from workspace.rights.purge import purge

ROOT = Path(__file__).resolve().parent.parent
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
HTML_TYPES = ("text/html",)


class _Text(HTMLParser):
    """The text a person reads: text nodes and the attributes read aloud or shown."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "alt", "aria-label", "placeholder") and value:
                self.parts.append(value)
            shown = ("type", "date") not in attrs and ("type", "hidden") not in attrs
            if tag == "input" and name == "value" and value and shown:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def readable_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def _pages(app: Flask, values: dict[str, str]) -> list[str]:
    out = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or "static" in rule.endpoint:
            continue
        if any(name not in values for name in rule.arguments):
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", values[name])
        out.append(path)
    return sorted(set(out))


def _scenario(app: Flask, pair: Pair) -> tuple[dict[str, str], FlaskClient]:
    """A programme with dated things everywhere: notebook entries, a flag and its reply, an
    event, a sent stage, audit rows."""
    pair.mentor.add_entry(pair.id, "meeting", {"schema": 1, "notes": "x"})
    flag_id = pair.mentor.raise_flag(pair.id, "other", "a worry")
    organiser = app.test_client()
    login_browserless(organiser, *ORGANISER)
    day = clock.now().date().replace(day=1)
    events = f"/organiser/programmes/{pair.programme_id}/events"
    response = organiser.post(
        events,
        data={
            "csrf_token": csrf_token(organiser, events),
            "kind": "orientation",
            "title": "Orientation evening",
            "day": (day.replace(year=day.year + 1)).isoformat(),
            "start": "17:30",
            "minutes": "90",
            "audience": "all",
            "place": "Library",
            "online_url": "",
            "description": "",
            "remind_days": "2",
        },
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    event_id = response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    values = {
        "pair_id": pair.id,
        "programme_id": pair.programme_id,
        "flag_id": flag_id,
        "event_id": event_id,
        "role": "mentee",
        "stage": "welcome",
        "language": "fi",
    }
    return values, organiser


def _end_pair(organiser: FlaskClient, pair: Pair) -> None:
    url = f"/organiser/pairs/{pair.id}/end"
    assert organiser.post(url, data={"csrf_token": csrf_token(organiser, url)}).status_code == 303


def _recruiting(app: Flask, pair: Pair, instance: Path) -> tuple[dict[str, str], list[str]]:
    """A recruiting programme of the same organiser with an application, and the pages behind
    the emailed links (an applicant's status page, an event's answer page, an invitation)."""
    rec = recruiting_programme(app, pair.organiser)
    sent = Applicant(Client.for_app(app)).apply(
        rec.slug, "mentee", "ada@example.org", mentee_answers()
    )
    deliver_mail(app)
    links = [
        found.group(0)
        for text in outbox_texts(instance)
        for found in re.finditer(r"/(?:apply/status|rsvp|join)/[A-Za-z0-9_-]+", text)
    ]
    values = {
        "programme_id": rec.programme_id,
        "slug": rec.slug,
        "application_id": sent["application_id"],
        "role": "mentee",
    }
    return values, sorted(set(links))


@pytest.mark.parametrize("language", ["fi", "sv", "en", "fi@selko"])
def test_no_page_shows_an_iso_date(app: Flask, pair: Pair, instance: Path, language: str) -> None:
    values, organiser = _scenario(app, pair)
    recruiting, links = _recruiting(app, pair, instance)
    assert any("/rsvp/" in link for link in links) and any(
        "/apply/status/" in link for link in links
    )
    pages = _pages(app, values) + _pages(app, recruiting) + links
    mentor = app.test_client()
    login_browserless(mentor, *MENTOR)
    visitor = app.test_client()
    found = []
    checked = 0
    readers = [("organiser", organiser), ("mentor", mentor), ("visitor", visitor)]
    for ended in (False, True):
        if ended:  # the readable-until notices
            _end_pair(organiser, pair)
        for who, client in readers:
            client.set_cookie("pb_lang", language)
            for path in pages:
                response = client.get(path)
                if response.status_code != 200 or not response.mimetype.startswith(HTML_TYPES):
                    continue
                checked += 1
                for hit in ISO_DAY.findall(readable_text(response.get_data(as_text=True))):
                    found.append((who, "ended" if ended else "open", path, hit))
    assert checked > 80
    assert found == [], "\n".join(map(str, found))


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    yield
    clock.reset()


def test_no_mail_shows_an_iso_date(app: Flask, pair: Pair, instance: Path) -> None:
    _values, organiser = _scenario(app, pair)
    # A stage sent by hand and the mail the scenario queued (invitations, flag, event).
    stage = f"/organiser/programmes/{pair.programme_id}/messages/welcome/send"
    organiser.post(stage, data={"csrf_token": csrf_token(organiser, stage)})
    # An application's acknowledgement (the call's dates in it).
    rec = recruiting_programme(app, pair.organiser)
    Applicant(Client.for_app(app)).apply(rec.slug, "mentee", "ada@example.org", mentee_answers())
    # The retention warnings before the notebook is deleted ("… will be deleted on …").
    end = clock.now().date() + timedelta(days=10)
    sql(instance, "UPDATE programmes SET end_date = ?, retention_days = 90", end.isoformat())
    clock.travel((end + timedelta(days=60)) - clock.now().date())
    assert purge(app)["retention warnings (1)"] == 2
    login_browserless(organiser, *ORGANISER)  # the session of 60 days ago has ended
    _end_pair(organiser, pair)  # "you can download it until …"
    deliver_mail(app)
    texts = outbox_texts(instance)
    assert any("ada@example.org" in t for t in texts)
    assert len(texts) >= 8
    lines = [
        line
        for text in texts
        for line in text.splitlines()
        if "://" not in line  # links carry tokens, not dates
    ]
    assert [line for line in lines if ISO_DAY.search(line)] == []


# The static half: a template that prints a stored moment or day as it is stored.
RAW_FIELD = re.compile(
    r"\{\{\s*[\w.\[\]'\"]*?(?:_at|_on|_date|_until|_day|_after)\s*(?:\}\}|\|\s*(?:e|string|safe)\b)"
)
# A stored date handed to a sentence as it is: _("… %(end)s", end=p.end_date).
RAW_ARGUMENT = re.compile(r"=\s*[\w.]+?(?:_at|_on|_date|_until|_day|_after)(?:\[[^\]]*\])?\s*[,)]")
ATTRIBUTE = re.compile(r"(?:datetime|data-[\w-]+|value|min|max)=\"\{\{[^}]*\}\}\"")


def test_no_template_prints_a_stored_date_raw() -> None:
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            text = ATTRIBUTE.sub("", line)
            if (
                RAW_FIELD.search(text)
                or RAW_ARGUMENT.search(text)
                or ".isoformat()" in text
                or "strftime" in text
            ):
                found.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert found == []


MAIL_CODE = re.compile(r"\.isoformat\(\)|strftime\(|%Y-%m-%d")


def test_no_mail_or_page_text_formats_a_date_by_hand() -> None:
    """Code that builds mail or page text formats dates with Babel; isoformat() is for storage
    and machine-readable files only, so a line using it must not sit inside a gettext call."""
    found = []
    for source in sorted((ROOT / "workspace").rglob("*.py")):
        text = source.read_text()
        for call in re.finditer(r"_\(\s*(?:\"[^\"]*\"\s*)+,([^()]*(?:\([^()]*\)[^()]*)*)\)", text):
            if MAIL_CODE.search(call.group(1)):
                line = text[: call.start()].count("\n") + 1
                found.append(f"{source.relative_to(ROOT)}:{line}")
    assert found == []
