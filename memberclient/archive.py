"""The data-export archive, built on the member's own device from what the server holds.

`notebook.json` (documented in docs/EXPORT.md), `notebook.html` (readable, prints well),
`server-data.json` (everything the server holds about the member) and `README.txt`. The browser
builds the same archive in JavaScript; this module is the Python client's version.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from memberclient.client import FORMER_MEMBER, Client, Entry, IntegrityError

ARCHIVE_FORMAT = "pairbook-export"
TYPE_TITLES = {
    "agreement": "Mentoring agreement",
    "goal": "Goal",
    "meeting": "Meeting",
    "evaluation": "Closing evaluation",
    "summary": "Shared summary",
}


def notebook_json(client: Client, server: dict[str, Any]) -> dict[str, Any]:
    """Every notebook the member can read, decrypted here, with its metadata."""
    pairs = []
    for pair in server["pairs"]:
        opened: list[dict[str, Any]] = []
        if pair["notebook"] is not None and client.secrets is not None:
            client.sync_pair(pair["pair_id"])
            for item in client.entries(pair["pair_id"]):
                if isinstance(item, IntegrityError):
                    opened.append({"entry_id": item.entry_id, "error": "could not be verified"})
                    continue
                opened.append(_entry_out(item, pair["notebook"]["entries"]))
        pairs.append(
            {
                "pair_id": pair["pair_id"],
                "code": pair["code"],
                "my_role": pair["role"],
                "programme": pair["programme"],
                "entries": opened,
            }
        )
    return {
        "format": ARCHIVE_FORMAT,
        "version": 1,
        "exported_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "user_id": server["account"]["user_id"],
        "pairs": pairs,
    }


def _entry_out(entry: Entry, raw: list[dict[str, Any]]) -> dict[str, Any]:
    meta = next((r for r in raw if r["entry_id"] == entry.entry_id), {})
    return {
        "entry_id": entry.entry_id,
        "type": entry.type,
        "revision": entry.revision,
        "author_id": entry.author_id,
        "created_by": entry.created_by,
        "created_at": meta.get("created_at"),
        "updated_at": meta.get("updated_at"),
        "done": entry.done,
        "content": entry.body,
    }


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_FIELD = re.compile(
    r'<template id="msg-field-([a-z]+)-([a-z_]+)" data-kind="([a-z]+)">(.*?)</template>'
)
_OPTION = re.compile(r'<template id="msg-opt-([a-z_]+)-([a-z_]+)">(.*?)</template>')


@cache
def field_words() -> tuple[dict[str, list[tuple[str, str, str]]], dict[tuple[str, str], str]]:
    """The forms' field labels by entry type, in form order, and the words for option values,
    read from the one place they are defined (templates/notebook/_fields.html), in English."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        extensions=["jinja2.ext.i18n"],
        autoescape=True,
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.globals["_l"] = str  # the definitions' texts, shown when used (workspace/notebook/texts.py)
    text = str(env.get_template("notebook/_fields.html").make_module().field_messages())
    fields: dict[str, list[tuple[str, str, str]]] = {}
    for entry_type, key, kind, label in _FIELD.findall(text):
        fields.setdefault(entry_type, []).append((key, html.unescape(label), kind))
    options = {(f, v): html.unescape(words) for f, v, words in _OPTION.findall(text)}
    return fields, options


def _in_words(kind: str, key: str, value: Any, goal_titles: dict[str, str]) -> str:
    options = field_words()[1]
    if kind == "select" and (key, str(value)) in options:
        return options[(key, str(value))]
    if kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%-d %B %Y")
        except ValueError:
            return value
    if kind == "goals" and isinstance(value, list):
        return "\n".join(goal_titles.get(str(v), str(v)) for v in value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def notebook_html(data: dict[str, Any], display_name: str | None) -> str:
    """A readable page of the same data; every value is escaped."""
    out = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        "<title>Pairbook notebook export</title><style>",
        "body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5;overflow-wrap:anywhere}h2{border-bottom:1px solid #ccc}"
        "dt{font-weight:600}dd{white-space:pre-wrap;margin:0 0 0.75rem}"
        "article{break-inside:avoid;margin-bottom:1.5rem}",
        "</style></head><body>",
        f"<h1>Pairbook notebook of {html.escape(display_name or '')}</h1>",
        f"<p>Exported {html.escape(data['exported_at'])}</p>",
    ]
    for pair in data["pairs"]:
        out.append(
            f"<h2>Pair {html.escape(pair['code'])} – {html.escape(pair['programme']['name'])}</h2>"
        )
        if not pair["entries"]:
            out.append("<p>No entries.</p>")
        goal_titles = {
            e["entry_id"]: e["content"]["title"]
            for e in pair["entries"]
            if e.get("type") == "goal" and isinstance(e.get("content", {}).get("title"), str)
        }
        for entry in pair["entries"]:
            if "error" in entry:
                out.append("<p>One entry could not be verified and is left out.</p>")
                continue
            title = TYPE_TITLES.get(entry["type"], entry["type"])
            who = (
                "you"
                if entry["author_id"] == data["user_id"]
                else "a former member"
                if entry["author_id"] == FORMER_MEMBER
                else "your partner"
            )
            when = html.escape(entry.get("updated_at") or "")
            out.append(
                f"<article><h3>{html.escape(title)}</h3><p>Last saved by {who}, {when}</p><dl>"
            )
            known = field_words()[0].get(entry["type"], [])
            extra = [
                (k, k, "text")
                for k in entry["content"]
                if k != "schema" and k not in {key for key, _label, _kind in known}
            ]
            for key, label, kind in [*known, *extra]:
                value = entry["content"].get(key)
                if value is None or value == "":
                    continue
                text = _in_words(kind, key, value, goal_titles)
                out.append(f"<dt>{html.escape(label)}</dt><dd>{html.escape(text)}</dd>")
            out.append("</dl></article>")
    out.append("</body></html>")
    return "".join(out)


README = """Pairbook export

notebook.json     Your notebooks, decrypted on your own device (format: docs/EXPORT.md).
notebook.html     The same, as a page to read or print.
server-data.json  Everything the Pairbook server holds about you. Notebook entries and
                  messages in it are still encrypted; notebook.json has them opened.
                  Secrets that check or open something (passphrase verifiers, token
                  hashes, emailed links) are left out: "not_exported" says which and why.
"""


def build_archive(client: Client) -> bytes:
    """The whole export as a ZIP file, built with the member's keys on this device."""
    server = client.server_data()
    data = notebook_json(client, server)
    for flag in server["flags"]:
        pair_id = flag["pair_id"]
        try:
            mine = {f["flag_id"]: f for f in client.my_flags(pair_id)}
            flag["opened_messages"] = mine.get(flag["id"], {}).get("opened", [])
        except Exception:  # noqa: BLE001 (the sealed copies stay in the export regardless)
            flag["opened_messages"] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        archive.writestr("notebook.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("notebook.html", notebook_html(data, server["account"]["display_name"]))
        archive.writestr("server-data.json", json.dumps(server, ensure_ascii=False, indent=2))
    return buffer.getvalue()
