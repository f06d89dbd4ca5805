"""Static files under content-hashed URLs, cached for a year, precompressed (gzip and Brotli), and
pages and JSON compressed only when it is safe (issue 19, item 4)."""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path, PurePosixPath

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import MENTOR, joined_pair, login_browserless
from workspace.core import assets
from workspace.notebook import pages

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
SAME = {"Sec-Fetch-Site": "same-origin"}


def _decoded(response: object) -> bytes:
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/assets/[^"]+)"', html)


def test_pages_link_every_static_file_by_its_content_hash(client: FlaskClient) -> None:
    html = client.get("/login").get_data(as_text=True)
    urls = _asset_urls(html)
    assert any(u.endswith("/css/app.css") for u in urls)
    assert any(u.endswith("/js/pages/login.js") for u in urls)
    assert "/static/" not in html
    for url in urls:
        response = client.get(url, headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200, url
        assert response.cache_control.max_age == assets.YEAR and response.cache_control.immutable
        filename = url.split("/", 3)[3]
        assert response.get_data() == (STATIC / filename).read_bytes()


@pytest.mark.parametrize(("accept", "encoding"), [("br, gzip", "br"), ("gzip", "gzip"), ("", None)])
def test_static_files_come_compressed_as_the_client_accepts(
    client: FlaskClient, accept: str, encoding: str | None
) -> None:
    url = assets.hashed_url(client.application, "js/notebook/main.js")
    response = client.get(url, headers={"Accept-Encoding": accept})
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert _decoded(response) == (STATIC / "js/notebook/main.js").read_bytes()
    assert response.headers["Content-Type"].startswith("text/javascript")
    again = client.get(
        url, headers={"Accept-Encoding": accept, "If-None-Match": response.get_etag()[0]}
    )
    assert again.status_code == 304


def test_modules_resolve_their_relative_imports_under_the_same_hashed_prefix(app: Flask) -> None:
    with app.test_request_context():
        preloads = assets.module_preloads("js/notebook/main.js")
    prefixes = {url.rsplit("/js/", 1)[0] for url in preloads}
    assert len(prefixes) == 1, "every module shares one version, so relative imports stay in it"
    version = next(iter(prefixes)).rsplit("/", 1)[1]
    graph = assets.module_graph(str(STATIC), "js/notebook/main.js")
    for module in graph:
        source = (STATIC / module).read_text("utf-8")
        for match in assets._STATIC_IMPORT.finditer(source):
            spec = match.group(1) or match.group(2)
            target = assets._resolve(spec, PurePosixPath(module))
            assert target is not None and assets.manifest(app).versions[str(target)] == version


def test_a_changed_file_gets_a_new_address(tmp_path: Path) -> None:
    folder = tmp_path / "static"
    (folder / "js").mkdir(parents=True)
    (folder / "css").mkdir()
    (folder / "js" / "a.js").write_text("export const a = 1;\n")
    (folder / "css" / "x.css").write_text("body{}\n")
    before = assets.build_manifest(str(folder)).versions
    (folder / "js" / "a.js").write_text("export const a = 2;\n")
    after = assets.build_manifest(str(folder)).versions
    assert before["js/a.js"] != after["js/a.js"]
    assert before["css/x.css"] == after["css/x.css"], "a stylesheet keeps its own hash"


def test_an_old_or_unknown_address(client: FlaskClient) -> None:
    old = client.get("/assets/0123456789abcdef/css/app.css")
    assert old.status_code == 200 and old.cache_control.max_age == 300
    assert not old.cache_control.immutable
    for url in ("/assets/x/css/nope.css", "/assets/x/../workspace/__init__.py", "/assets/x/"):
        assert client.get(url).status_code == 404, url
    plain = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == 200 and plain.headers["Content-Encoding"] == "gzip"


def test_precompressed_copies_are_made_once_and_used(tmp_path: Path) -> None:
    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    (folder / "css" / "x.css").write_text("body { color: black; }\n" * 50)
    assert assets.precompress(str(folder)) == 2
    assert assets.precompress(str(folder)) == 0, "nothing changed, nothing written"
    out = assets.build_folder(str(folder))
    digest = assets.build_manifest(str(folder)).digests["css/x.css"]
    br = out / f"css/x.css.{digest[:16]}.br"
    assert brotli.decompress(br.read_bytes()) == (folder / "css" / "x.css").read_bytes()
    assert assets._encoded(str(folder), "css/x.css", digest, "br") == br.read_bytes()
    (folder / "css" / "x.css").write_text("body { color: navy; }\n")
    assets.precompress(str(folder))
    assert not br.exists(), "the copy of the old content is removed"


def test_pages_and_json_are_compressed_for_this_site_only(client: FlaskClient) -> None:
    page = client.get("/privacy", headers={"Accept-Encoding": "br", **SAME})
    assert page.headers["Content-Encoding"] == "br"
    assert b"<!doctype html>" in _decoded(page)
    assert "Accept-Encoding" in page.headers["Vary"]
    gz = client.get("/privacy", headers={"Accept-Encoding": "gzip", "Sec-Fetch-Site": "none"})
    assert gz.headers["Content-Encoding"] == "gzip"
    # A request another site makes the browser send gets the plain page (BREACH).
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {}):
        plain = client.get("/privacy", headers={"Accept-Encoding": "br, gzip", **headers})
        assert "Content-Encoding" not in plain.headers, headers
    # The CSP is the same with or without compression.
    assert page.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"].split("script-src")[1]


def test_in_debug_mode_a_changed_file_gets_its_new_address_at_once(
    tmp_path: Path, app: Flask
) -> None:
    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    (folder / "css" / "x.css").write_text("body{}\n")
    app.static_folder = str(folder)
    app.debug = True
    before = assets.hashed_url(app, "css/x.css")
    (folder / "css" / "x.css").write_text("body{color:navy}\n")
    os.utime(folder / "css" / "x.css", ns=(10**18, 10**18))
    assert assets.hashed_url(app, "css/x.css") != before


def _dynamic_views() -> dict[str, str]:
    """The view modules `views/index.js` loads with import(), by page name."""
    source = (STATIC / "js/notebook/views/index.js").read_text("utf-8")
    return dict(re.findall(r'(\w+): \(\) => import\("\./(\w+)\.js"\)', source))


def test_a_notebook_page_preloads_only_its_own_view(app: Flask, client: FlaskClient) -> None:
    views = _dynamic_views()
    assert views and all(name == module for name, module in views.items())
    assert set(views) == set(pages._VIEWS), "the offline shell keeps every view's modules"
    pair = joined_pair(app)
    login_browserless(client, MENTOR[0], MENTOR[1])
    html = client.get(f"/pairs/{pair.id}/notebook/meetings").get_data(as_text=True)
    preloaded = {url.split("/", 3)[3] for url in re.findall(r'modulepreload" href="([^"]+)"', html)}
    assert "js/notebook/views/meetings.js" in preloaded
    assert "js/notebook/views/meetings.js" in assets.module_graph(
        str(STATIC), "js/notebook/views/meetings.js"
    )
    others = {f"js/notebook/views/{v}.js" for v in views if v != "meetings"}
    assert not preloaded & others, "the meeting log loads no other page's view"
    assert "js/notebook/form/entry-form.js" not in preloaded, "nor the entry form it does not show"
    with app.test_request_context():
        kept = {url.split("/", 3)[3] for url in pages.shell_assets()}
    assert others <= kept and "js/notebook/form/entry-form.js" in kept
