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


def refuse_invalid_text() -> None:
    """Before any route: a JSON body whose strings are not valid Unicode text (a lone surrogate,
    which JSON's escapes allow) is a 400; it could be neither stored nor shown back."""
    if not request.is_json:
        return
    data = request.get_json(silent=True)
    if data is None:
        return
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        if is_api_request():
            fail(400, _("The request contains characters that are not valid text."))
        abort(400)
