"""The words of the notebook's field definitions (templates/notebook/_fields.html), translated
once per language and remembered.

`_fields.html` is imported without the request's context, so Jinja builds it once and keeps it;
its definitions hold `_l("…")` texts that turn into words only when shown, from a table filled
the first time each text is needed in each language (not 200-odd gettext calls per page).
"""

from __future__ import annotations

from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

_translated: dict[tuple[str, str], str] = {}


class Text:
    """A msgid shown in the request's language; true when it has words."""

    __slots__ = ("msgid",)

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    def __str__(self) -> str:
        key = (str(get_locale()), self.msgid)
        words = _translated.get(key)
        if words is None:
            words = _translated[key] = gettext(self.msgid)
        return words

    def __html__(self) -> Markup:
        return escape(str(self))

    def __bool__(self) -> bool:
        return bool(self.msgid)

    def __repr__(self) -> str:
        return f"Text({self.msgid!r})"


def lazy_text(msgid: str) -> Text:
    """`_l("…")` in the notebook's templates."""
    return Text(msgid)
