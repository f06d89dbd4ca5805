"""The one check for where to send the browser after signing in or switching language.

A `next` target is kept only when it is a path on this site, whatever the spelling; both the
server's redirects and the browser (which reads the vetted value from the page) use it.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# What a same-site path, query and fragment may hold: printable ASCII without a backslash,
# quotes, angle brackets, spaces or controls (a browser drops tabs and newlines, and reads a
# backslash as a slash, so "/\\evil.example" and "/\t/evil.example" would mean another host).
_ALLOWED = re.compile(r"^/[A-Za-z0-9\-._~!$&()*+,;=:@/?#%]*$")
# Percent-escapes that are escapes of a slash, a backslash, a percent sign (a second round of
# decoding) or a control character: none belongs in a path this site links to.
_BAD_ESCAPE = re.compile(r"%(2f|5c|25|[01][0-9a-f]|7f)", re.IGNORECASE)
_ESCAPE = re.compile(r"%(?![0-9a-f]{2})", re.IGNORECASE)


def safe_next(target: object) -> str | None:
    """``target`` when it is a path on this site (with its query and fragment), else None.

    Refused: anything not a string, not starting with exactly one "/", holding a backslash,
    whitespace, a control or non-ASCII character, a "%" that is not an escape, an escaped slash,
    backslash, percent or control in the path (in any case), or anything a URL parser reads as a
    scheme or a host.
    """
    if not isinstance(target, str) or len(target) > 2000:
        return None
    if not _ALLOWED.match(target) or target.startswith("//"):
        return None
    if _ESCAPE.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    # The query and fragment cannot change the host; the path must not spell one even once
    # decoded (by a proxy, a server or a second redirect).
    if _BAD_ESCAPE.search(parts.path):
        return None
    decoded = unquote(parts.path)
    if decoded.startswith("//") or "\\" in decoded:
        return None
    return target
