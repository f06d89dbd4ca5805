"""Small helpers for the JSON API: reading bodies strictly and answering errors uniformly."""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from flask import Response, abort, jsonify, make_response, request
from flask_babel import gettext as _

ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
B64U_RE = re.compile(r"^[A-Za-z0-9_-]*$")

STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
}


class ApiError(Exception):
    """An error answered as JSON; raising it changes nothing (the transaction rolls back)."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def error_response(status: int, message: str, **extra: Any) -> Response:
    """Build the uniform error body."""
    body = {"error": STATUS_CODES.get(status, "error"), "message": message, **extra}
    return make_response(jsonify(body), status)


def fail(status: int, message: str | None = None, **extra: Any) -> NoReturn:
    """Stop the request with a JSON error."""
    raise ApiError(status, message or _("The request could not be processed."), **extra)


def body() -> dict[str, Any]:
    """The request's JSON object, or a 400."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        fail(400, _("Send a JSON object."))
    return data


def text(data: dict[str, Any], key: str, *, min_len: int = 1, max_len: int = 200) -> str:
    """A required string field of bounded length."""
    value = data.get(key)
    if not isinstance(value, str) or not min_len <= len(value) <= max_len:
        fail(400, _("The field %(field)s is missing or not valid.", field=key))
    return value


def ident(data: dict[str, Any], key: str) -> str:
    """A required id field."""
    value = text(data, key, max_len=64)
    if not ID_RE.match(value):
        fail(400, _("The field %(field)s is missing or not valid.", field=key))
    return value


def b64u(data: dict[str, Any], key: str, *, max_len: int = 4096) -> str:
    """A required base64url field (syntax only; the crypto layer checks the content)."""
    value = text(data, key, max_len=max_len)
    if not B64U_RE.match(value):
        fail(400, _("The field %(field)s is missing or not valid.", field=key))
    return value


def integer(data: dict[str, Any], key: str, *, minimum: int = 1, maximum: int = 2**31) -> int:
    """A required integer field."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        fail(400, _("The field %(field)s is missing or not valid.", field=key))
    return value


def obj(data: dict[str, Any], key: str) -> dict[str, Any]:
    """A required JSON object field."""
    value = data.get(key)
    if not isinstance(value, dict):
        fail(400, _("The field %(field)s is missing or not valid.", field=key))
    return value


def is_api_request() -> bool:
    """True for requests under /api/."""
    return request.path.startswith("/api/")


def not_found() -> NoReturn:
    """404 in the right shape for the caller."""
    if is_api_request():
        fail(404, _("Not found."))
    abort(404)


# A JSON body nests at most this deep; the API's deepest body (an entry's envelope) is 3 levels.
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _json_depth(raw: str) -> int:
    """The deepest nesting in ``raw``, found without parsing, so that a body too deep for the
    parser's recursion is refused before the parser sees it."""
    bare = _JSON_STRING.sub('""', raw)
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(bare):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


class RequestRefused(ApiError):
    """Input refused before any route: answered as JSON under /api/, as the error page else."""


def _refuse(status: int, message: str) -> NoReturn:
    raise RequestRefused(status, message)


def refuse_invalid_text() -> None:
    """Before any route: refuse a JSON body the app cannot safely read, whatever the route.

    Only UTF-8 is accepted (no other charset, no byte order mark); nesting deeper than
    ``MAX_JSON_DEPTH`` is a 413; a body whose strings are not valid Unicode text (a lone
    surrogate, which JSON's escapes allow) is a 400, since it could be neither stored nor shown
    back. Bodies over ``MAX_CONTENT_LENGTH`` are a 413 (Werkzeug).
    """
    if not request.is_json:
        return
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.lower().replace("-", "").replace("_", "") != "utf8":
        _refuse(400, _("Send JSON as UTF-8 text."))
    raw_bytes = request.get_data(cache=True)
    if not raw_bytes:
        return
    try:
        raw = raw_bytes.decode("utf-8")
    except UnicodeDecodeError:
        _refuse(400, _("Send JSON as UTF-8 text."))
    # UTF-16 and UTF-32 of ASCII text decode as UTF-8 with NULs (which JSON text never holds
    # unescaped), and the parser would then guess the other encoding: refuse them here.
    if raw.startswith("\ufeff") or "\x00" in raw:
        _refuse(400, _("Send JSON as UTF-8 text."))
    too_deep = _(
        "The request is nested too deeply (at most %(depth)s levels).", depth=MAX_JSON_DEPTH
    )
    if _json_depth(raw) > MAX_JSON_DEPTH:
        _refuse(413, too_deep)
    try:
        data = json.loads(raw)
    except RecursionError:
        _refuse(413, too_deep)
    except ValueError:
        # Not JSON at all: each route's own reading answers that (Send a JSON object).
        return
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        _refuse(400, _("The request contains characters that are not valid text."))
