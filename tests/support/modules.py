"""The browser modules under static/ served as plain files on loopback, and a blank page of that
origin: for tests that run one ES module in Chromium without the app."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parent.parent.parent / "static"
BLANK_PAGE = b"<!doctype html><meta charset=utf-8><title>modules</title><link rel=icon href=data:,>"


class _StaticHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path != "/":
            super().do_GET()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(BLANK_PAGE)))
        self.end_headers()
        self.wfile.write(BLANK_PAGE)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextmanager
def static_server() -> Iterator[str]:
    """static/ on http://127.0.0.1:<port>, with .js as text/javascript; yields the origin."""
    handler = functools.partial(_StaticHandler, directory=str(STATIC))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def blank_page(chromium_browser: Any, origin: str) -> Iterator[Any]:
    """A blank page of `origin`; fails on any console error or warning, or page error."""
    context = chromium_browser.new_context(base_url=origin)
    page = context.new_page()
    problems: list[str] = []
    noisy = ("error", "warning")
    page.on("console", lambda m: m.type in noisy and problems.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.goto("/")
    yield page
    context.close()
    assert problems == []
