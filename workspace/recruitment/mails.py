"""The mail an applicant gets: the acknowledgement, the confirmation of a repeat, and the notice
before a non-paired application is deleted. None of it holds an answer; each names the programme
and the call's contact person, in the applicant's language."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from workspace.accounts.queries import base_url
from workspace.communication import plan
from workspace.core import db, mail
from workspace.core.i18n import mail_locale


def _day(value: str | date | None) -> str:
    if value is None:
        return "–"
    return format_date(date.fromisoformat(value) if isinstance(value, str) else value, "long")


def _locale(language: str) -> str:
    return mail_locale(None, language)


def _contact(call: Any) -> str:
    return _(
        "Questions? Contact %(name)s, %(email)s.",
        name=call["contact_name"],
        email=call["contact_email"],
    )


def status_link(token: str) -> str:
    """The applicant's status page address."""
    return f"{base_url()}/apply/status/{token}"


def acknowledge(
    conn: db.Connection,
    email: str,
    language: str,
    programme: Any,
    call: Any,
    token: str,
    deleted_on: date,
    *,
    updated: bool = False,
) -> None:
    """Thank the applicant at once: what happens next, the dates, what if no pair is found."""
    with force_locale(_locale(language)):
        role = _("mentor") if call["role"] == "mentor" else _("mentee")
        if updated:
            subject = _(
                "Your application to %(programme)s was updated", programme=programme["name"]
            )
            opening = _(
                "Your application as a %(role)s in %(programme)s now has the answers you sent "
                "last. Thank you!",
                role=role,
                programme=programme["name"],
            )
        elif (own := plan.acknowledgement(conn, programme, _locale(language))) is not None:
            subject, opening = own
        else:
            subject = _("Thank you for applying to %(programme)s", programme=programme["name"])
            opening = _(
                "Thank you for applying as a %(role)s in %(programme)s. We have received your "
                "application.",
                role=role,
                programme=programme["name"],
            )
        body = "\n\n".join(
            [
                opening,
                _("What happens next:"),
                "\n".join(
                    [
                        _("- Applications close on %(date)s.", date=_day(call["closes_on"])),
                        _(
                            "- The organisers form the pairs by %(date)s and tell you by email "
                            "whether a pair was found for you.",
                            date=_day(call["pairs_by"]),
                        ),
                        _("- The programme starts on %(date)s.", date=_day(call["starts_on"])),
                    ]
                ),
                _(
                    "If no pair is found for you this time, we tell you so by email. Your "
                    "application is then kept until %(date)s, in case a place opens, and deleted "
                    "after that.",
                    date=_day(deleted_on),
                ),
                _(
                    "Only the programme's organisers can read your answers: they were locked in "
                    "your browser before they were sent."
                ),
                _(
                    "See the status of your application, withdraw it or delete it at any time "
                    "(opening the link also confirms your email address):"
                ),
                status_link(token),
                _contact(call),
            ]
        )
    mail.enqueue(conn, email, subject, body)


def confirm_update(
    conn: db.Connection, email: str, language: str, programme: Any, call: Any, token: str
) -> None:
    """A repeat application from this address: it replaces the earlier one once confirmed."""
    with force_locale(_locale(language)):
        subject = _("Confirm your new application to %(programme)s", programme=programme["name"])
        body = "\n\n".join(
            [
                _(
                    "We received a new application from this email address to %(programme)s. "
                    "You had applied for the same role before.",
                    programme=programme["name"],
                ),
                _(
                    "Open this link to replace your earlier answers with the new ones "
                    "(valid for 7 days):"
                ),
                f"{base_url()}/apply/update/{token}",
                _("If you did not send it, ignore this message: nothing changes."),
                _contact(call),
            ]
        )
    mail.enqueue(conn, email, subject, body)


def retention_notice(conn: db.Connection, application: Any, call: Any, deleted_on: date) -> None:
    """Two weeks before a non-paired application is deleted."""
    with force_locale(_locale(application["language"])):
        name = application["programme_name"]
        subject = _(
            "Your application to %(programme)s will be deleted on %(date)s",
            programme=name,
            date=_day(deleted_on),
        )
        body = "\n\n".join(
            [
                _(
                    "You applied to %(programme)s, and no pair was formed from your "
                    "application. As promised, it will be deleted on %(date)s.",
                    programme=name,
                    date=_day(deleted_on),
                ),
                _("You do not need to do anything. Thank you for your interest!"),
                _contact(call),
            ]
        )
    mail.enqueue(conn, application["email"], subject, body)
