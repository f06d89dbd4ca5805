"""Finnish and English: the user's explicit choice, then Accept-Language, then Finnish."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel

LANGUAGES = {"fi": "Suomi", "en": "English"}
DEFAULT_LANGUAGE = "fi"
LANG_COOKIE = "pb_lang"


def select_locale() -> str:
    """Pick the language for this request."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


def sentence(text: str) -> str:
    """A message that may begin with a name such as "your partner", as a sentence: its first
    letter in capitals (the rest untouched, unlike Jinja's `capitalize`). Markup stays Markup
    and plain text stays plain, so escaping is left to Jinja as usual."""
    return text[:1].upper() + text[1:]


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the packaged catalogues."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    Babel(app, locale_selector=select_locale)

    app.add_template_filter(sentence)

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {"LANGUAGES": LANGUAGES, "current_language": select_locale()}
