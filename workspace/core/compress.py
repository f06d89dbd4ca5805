"""Pages and JSON compressed (Brotli or gzip) when the client accepts it.

Pages carry the CSRF token, and some reflect what the address asked for: compressing both in one
answer is what BREACH measures. So only answers to requests the browser marks as made by this
site itself or by the person (`Sec-Fetch-Site: same-origin` or `none`) are compressed; a request
another site makes the browser send (cross-site, or a browser that does not say) gets the plain
answer. Static files are compressed in `core.assets`.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is a dependency; gzip still works without it
    brotli = None

MIN_BYTES = 1024
TYPES = ("text/html", "application/json", "application/problem+json")
TRUSTED_SITES = ("same-origin", "none")


def encoding() -> str | None:
    """The encoding this request's answer may be compressed with (see above), or None."""
    if request.headers.get("Sec-Fetch-Site") not in TRUSTED_SITES:
        return None
    accepted = request.accept_encodings
    if brotli is not None and accepted["br"] > 0:
        return "br"
    return "gzip" if accepted["gzip"] > 0 else None


def compress_response(response: Response) -> Response:
    """Compress a page or JSON answer in place when it is worth it and safe (see above)."""
    if response.mimetype in TYPES:
        # The same address answers plain or compressed: caches must tell them apart.
        if "Vary" in response.headers:
            response.vary.add("Accept-Encoding")
        else:
            response.headers["Vary"] = "Accept-Encoding"
    if (
        response.direct_passthrough
        or response.is_streamed
        or response.mimetype not in TYPES
        or "Content-Encoding" in response.headers
        or response.status_code < 200
        or response.status_code in (204, 304)
    ):
        return response
    chosen = encoding()
    if chosen is None:
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(pack(body, chosen))
    response.headers["Content-Encoding"] = chosen
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-{chosen}", weak=weak)
    return response


def pack(body: bytes, chosen: str) -> bytes:
    """`body` compressed with `chosen` ("br" or "gzip"), as answers are compressed here."""
    if chosen == "br":
        return brotli.compress(body, quality=5)
    return gzip.compress(body, compresslevel=6, mtime=0)


def init_app(app: Flask) -> None:
    """Compress answers on the way out."""
    app.after_request(compress_response)
