"""Encodings shared by the protocol objects: base64url, ids, strict JSON, body padding."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from .errors import CryptoError

_B64U = re.compile(r"[A-Za-z0-9_-]*")
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TYPE = re.compile(r"[a-z][a-z0-9-]{0,31}")
# Integers must survive a round trip through a JavaScript number.
MAX_INT = 2**53 - 1
PAD_BLOCK = 256


def b64u_encode(data: bytes) -> str:
    """Base64url without padding (RFC 4648 §5)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    """Strict base64url decoding: no padding, no whitespace, canonical trailing bits."""
    if not isinstance(text, str) or not _B64U.fullmatch(text) or len(text) % 4 == 1:
        raise CryptoError
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    # Re-encoding catches non-zero unused bits in the last character.
    if b64u_encode(data) != text:
        raise CryptoError
    return data


def b64u_field(obj: dict[str, Any], key: str, length: int | None = None) -> bytes:
    """Decode `obj[key]` as base64url, optionally requiring an exact length."""
    data = b64u_decode(obj[key])
    if length is not None and len(data) != length:
        raise CryptoError
    return data


def utf8(text: object) -> bytes:
    """UTF-8 bytes of a string; lone surrogates (and non-strings) are rejected."""
    if not isinstance(text, str):
        raise CryptoError
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise CryptoError from None


def check_id(value: object) -> str:
    """An id (user, notebook, entry, programme, message): `[A-Za-z0-9_-]{1,64}`."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise CryptoError
    return value


def check_type(value: object) -> str:
    """An entry or message type: `[a-z][a-z0-9-]{0,31}`."""
    if not isinstance(value, str) or not _TYPE.fullmatch(value):
        raise CryptoError
    return value


def check_int(value: object, minimum: int = 1) -> int:
    """A JSON integer in [minimum, 2^53 - 1]; booleans and floats are not integers here."""
    if type(value) is not int or not minimum <= value <= MAX_INT:
        raise CryptoError
    return value


def check_bytes(value: object, length: int) -> bytes:
    """Raw bytes of an exact length."""
    if not isinstance(value, bytes) or len(value) != length:
        raise CryptoError
    return value


def _no_constants(_: str) -> Any:
    raise CryptoError


def load_object(data: object, keys: frozenset[str] | None = None) -> dict[str, Any]:
    """A JSON object given as a dict, str or UTF-8 bytes; with `keys`, exactly those keys."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            raise CryptoError from None
    if isinstance(data, str):
        try:
            data = json.loads(data, parse_constant=_no_constants)
        except (ValueError, RecursionError):
            raise CryptoError from None
    if not isinstance(data, dict) or (keys is not None and set(data) != keys):
        raise CryptoError
    return data


def pad(body: bytes) -> bytes:
    """body ‖ 0x80 ‖ zeros, to the next multiple of 256 bytes (§7)."""
    return body + b"\x80" + bytes(-(len(body) + 1) % PAD_BLOCK)


def unpad(padded: bytes) -> bytes:
    """Strip trailing zeros, then exactly one 0x80."""
    stripped = padded.rstrip(b"\x00")
    if not stripped.endswith(b"\x80"):
        raise CryptoError
    return stripped[:-1]


def encode_body(body: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON of a body, with `"schema": 1` first unless already present."""
    if not isinstance(body, dict):
        raise CryptoError
    if "schema" not in body:
        body = {"schema": 1, **body}
    elif type(body["schema"]) is not int or body["schema"] != 1:
        raise CryptoError
    try:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return text.encode("utf-8")
    except (TypeError, ValueError, RecursionError):
        raise CryptoError from None


def decode_body(padded: bytes) -> dict[str, Any]:
    """Unpad and parse a body; it must be a JSON object whose `schema` is the integer 1."""
    body = load_object(unpad(padded))
    schema = body.get("schema")
    if type(schema) is not int or schema != 1:
        raise CryptoError
    return body
