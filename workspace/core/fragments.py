"""Hypermedia fragments (the Contact.app pattern): a page includes its partials, and to an htmx
request the same partial is returned alone. Every action still works as a plain form post, which
is answered with a redirect as before. htmx never carries plaintext: these are server-rendered
pages whose content the server already knows."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, flash, make_response, redirect, render_template
from flask_htmx import HTMX

htmx = HTMX()


def wants_fragment() -> bool:
    """An htmx request that swaps a part of the page (a history restore wants the whole page)."""
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def _varies(response: Response) -> Response:
    # The same address answers with a page or a fragment: caches must tell them apart.
    response.vary.add("HX-Request")
    return response


def page(template: str, fragment: str, status: int = 200, **context: Any) -> Response:
    """The whole page, or to an htmx request its fragment alone (rendered with `fragment=True`)."""
    if wants_fragment():
        body = render_template(fragment, fragment=True, **context)
    else:
        body = render_template(template, **context)
    return _varies(make_response(body, status))


def after_post(fragment: str, redirect_to: str, message: str, **context: Any) -> Response:
    """The answer to a form post that changed something: to htmx, the fragment again with the
    message shown in it and announced to screen readers; otherwise the message is flashed and
    the browser goes to `redirect_to` (303), as without JavaScript."""
    if not wants_fragment():
        flash(message)
        return _varies(redirect(redirect_to, code=303))
    body = render_template(fragment, fragment=True, notice=message, **context)
    body += render_template("partials/_announce.html", message=message)
    return _varies(make_response(body))


def init_app(app: Flask) -> None:
    """Make `htmx` available to views and templates."""
    htmx.init_app(app)
