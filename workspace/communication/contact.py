"""Who a programme's mail comes from: the programme, the organisation and the organiser's
contact, said in every message so that an invitation never reads like phishing; and the
language a member's mail is written in."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from workspace.accounts import queries as accounts
from workspace.communication import notify_queries, queries
from workspace.core import db
from workspace.core.i18n import mail_locale


def programme_language(programme: Any) -> str:
    """The mail language a programme's own language points to."""
    return mail_locale(programme["language"])


def member_language(conn: db.Connection, user_id: str, programme: Any) -> str:
    """The language the member chose for their mail, else their interface language, else the
    programme's."""
    chosen = notify_queries.mail_language(conn, user_id) or accounts.language_of(conn, user_id)
    return mail_locale(programme["language"], chosen)


def _is_email(text: str) -> bool:
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def sender(conn: db.Connection, programme: Any) -> dict[str, str]:
    """The programme's name, organisation, organiser's name and contact, and a Reply-To
    address (the contact if it is an email address, else the first organiser's)."""
    organisers = queries.programme_organisers(conn, programme["id"])
    first = organisers[0] if organisers else None
    contact = (programme["privacy_contact"] or "").strip()
    reply_to = contact if contact and _is_email(contact) else (first["email"] if first else "")
    return {
        "programme": programme["name"],
        "organisation": (programme["controller"] or "").strip(),
        "organiser": (first["display_name"] if first and first["display_name"] else "") or "",
        "contact": contact or (first["email"] if first else ""),
        "reply_to": reply_to,
    }


def footer(who: dict[str, str]) -> str:
    """The closing lines of every programme mail (in the current locale)."""
    lines = [_("This message is from the programme %(programme)s.", programme=who["programme"])]
    if who["organisation"]:
        lines.append(_("Organisation: %(organisation)s", organisation=who["organisation"]))
    if who["organiser"]:
        lines.append(_("Organiser: %(name)s", name=who["organiser"]))
    if who["contact"]:
        lines.append(_("Questions? Contact the organiser: %(contact)s", contact=who["contact"]))
    lines.append(_("Pairbook never asks for your passphrase by email."))
    return "\n".join(lines)
