"""The interface languages: Finnish, plain Finnish (selkosuomi), Swedish and English.

A request's language is the user's explicit choice (the picker's cookie), else the signed-in
person's stored language, else Accept-Language, else Finnish. Plain Finnish is the Babel locale
`fi@selko` (Locale('fi', modifier='selko')): dates and numbers come from Finnish CLDR data, its
catalogue lives in `translations/fi@selko/`, and a msgid it lacks (organiser-only pages) falls
back to the standard Finnish catalogue, never to the English source. Browsers cannot ask for it
in Accept-Language, so it is only ever chosen (by the person or by the programme); the page's
`lang` attribute stays `fi`, since it is Finnish to a screen reader and to `Intl`.

Mail goes in the recipient's chosen language, else the programme's: `mail_locale` is the one
place that decides it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.support import NullTranslations, Translations
from flask import Flask, g, request
from flask_babel import Babel, Domain, format_date, format_datetime, get_locale
from werkzeug.wrappers import Response

LANGUAGES = {"fi": "Suomi", "fi@selko": "Selkosuomi", "sv": "Svenska", "en": "English"}
DEFAULT_LANGUAGE = "fi"
PLAIN_FINNISH = "fi@selko"
LANG_COOKIE = "pb_lang"
HELSINKI = ZoneInfo("Europe/Helsinki")
# What a browser may ask for: plain Finnish has no BCP 47 tag a browser sends.
NEGOTIABLE = ("fi", "sv", "en")
# Older stored spellings of the same languages (the programme form once offered "fi-selko").
ALIASES = {"fi-selko": PLAIN_FINNISH, "fi_selko": PLAIN_FINNISH}


def normalise(code: Any) -> str | None:
    """A stored or submitted language code as one of LANGUAGES, or None."""
    if not isinstance(code, str):
        return None
    code = ALIASES.get(code, code)
    return code if code in LANGUAGES else None


def mail_locale(programme_language: Any, person_language: Any = None) -> str:
    """The language of a mail: the person's chosen language, else the programme's, else Finnish.
    The one place this is decided (invitations, acknowledgements, plan stages, events,
    departures, retention notices, flag replies)."""
    return normalise(person_language) or normalise(programme_language) or DEFAULT_LANGUAGE


def remember_language(response: Response, code: str) -> None:
    """Keep the chosen language in the picker's cookie for a year."""
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)


def html_lang(code: str | None) -> str:
    """The `lang` attribute for a locale: plain Finnish is Finnish to a screen reader."""
    code = normalise(code) or DEFAULT_LANGUAGE
    return "fi" if code == PLAIN_FINNISH else code


def _person_language() -> str | None:
    user = getattr(g, "user", None)
    if user is None:
        return None
    try:
        return normalise(user["language"])
    except (IndexError, KeyError):
        return None


def select_locale() -> str:
    """Pick the language for this request."""
    chosen = chosen_language()
    if chosen:
        return chosen
    # By the browser's order of preference, on the primary tag: "sv-SE, en;q=0.5" is Swedish
    # (werkzeug's best_match would prefer the exact "en").
    for value, _quality in request.accept_languages:
        primary = value.split("-", 1)[0].split("_", 1)[0].lower()
        if primary in NEGOTIABLE:
            return primary
    return DEFAULT_LANGUAGE


def _as_date(value: str | date | datetime) -> date:
    if isinstance(value, datetime):
        return value.astimezone(HELSINKI).date()
    if isinstance(value, date):
        return value
    if "T" in value:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(HELSINKI).date()
    return date.fromisoformat(value[:10])


def day(value: str | date | datetime | None, style: str = "medium") -> str:
    """A stored day or moment as the page's language writes a date (moments in Finnish time):
    1.12.2026 / 1 dec. 2026 / Dec 1, 2026. Empty for no value."""
    if not value:
        return ""
    return format_date(_as_date(value), style)


def moment(value: str | datetime | None, style: str = "medium") -> str:
    """A stored moment as the page's language writes a date and time, in Finnish time."""
    if not value:
        return ""
    when = (
        value
        if isinstance(value, datetime)
        else datetime.fromisoformat(value.replace("Z", "+00:00"))
    )
    return format_datetime(when.astimezone(HELSINKI), style, rebase=False)


def chosen_language() -> str | None:
    """The language this person chose (the picker's cookie, else their account), if any."""
    return normalise(request.cookies.get(LANG_COOKIE)) or _person_language()


def page_locale(programme_language: Any) -> str:
    """The language of a page that belongs to one programme (its call, an invitation to it):
    the person's own choice, else the programme's language."""
    return chosen_language() or mail_locale(programme_language)


def _browser_reads() -> set[str]:
    return {
        value.split("-", 1)[0].split("_", 1)[0].lower() for value, _q in request.accept_languages
    }


def invitation_locale(programme_language: Any) -> str:
    """The language of an invitation's page: the person's choice, else the programme's language
    if the browser says its person reads it (at any preference), else the browser's language."""
    chosen = chosen_language()
    if chosen:
        return chosen
    programme = mail_locale(programme_language)
    if html_lang(programme) in _browser_reads():
        return programme
    return select_locale()


def sentence(text: str) -> str:
    """A message that may begin with a name such as "your partner", as a sentence: its first
    letter in capitals (the rest untouched, unlike Jinja's `capitalize`). Markup stays Markup
    and plain text stays plain, so escaping is left to Jinja as usual."""
    return text[:1].upper() + text[1:]


class FallbackDomain(Domain):
    """Flask-Babel's domain, with a locale that has a modifier (`fi@selko`) falling back to its
    base language's catalogue (`fi`) for the msgids it does not translate."""

    def get_translations(self) -> Translations | NullTranslations:
        """The request locale's catalogue, with the base language's catalogue as fallback."""
        translations = super().get_translations()
        locale = get_locale()
        if locale is None or not getattr(locale, "modifier", None):
            return translations
        if getattr(translations, "_pb_fallback", False):
            return translations
        base = Translations.load(self.translation_directories[0], [Locale(locale.language)])
        translations.add_fallback(base)
        translations._pb_fallback = True  # the cache keeps the object: add it once
        return translations


class _Babel(Babel):
    @property
    def domain_instance(self) -> Domain:  # type: ignore[override]
        domain = self.__dict__.get("_pb_domain")
        if domain is None:
            domain = self.__dict__["_pb_domain"] = FallbackDomain(domain=self.domain)
        return domain


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the packaged catalogues."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    _Babel(app, locale_selector=select_locale)

    app.add_template_filter(sentence)
    app.add_template_filter(html_lang)
    app.add_template_filter(day)
    app.add_template_filter(moment)

    @app.context_processor
    def _languages() -> dict[str, object]:
        current = select_locale()
        return {
            "LANGUAGES": LANGUAGES,
            "current_language": current,
        }
