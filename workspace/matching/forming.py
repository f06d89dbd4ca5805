"""One step from chosen pairs to pairs: check every chosen (mentor, mentee) application and
the rest, then — in the caller's one transaction — form the pairs with their invitations (the
bulk pairs' functions), mark the applicants paired, queue "a pair has been found for you" and
give the rest the organiser's status with its message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from workspace.core import db, mail
from workspace.core.i18n import mail_locale
from workspace.organiser import bulk, replacing
from workspace.recruitment import applicants, queries

# Applications still waiting for a decision: the ones matching works with.
POOL = ("new", "in_contact", "accepted", "waiting")
REST_STATUSES = ("waiting", "not_selected")
MAX_PAIRS = 500


class FormingError(ValueError):
    """The choice cannot be carried out; nothing was changed. `field` names the part."""

    def __init__(self, message: str, field: str = "pairs") -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Formed:
    """What the step did."""

    pairs: list[Any]
    rest: int


def _pool_application(conn: db.Connection, programme_id: str, app_id: str, role: str) -> Any:
    row = queries.application(conn, app_id)
    if row is None or row["programme_id"] != programme_id or row["role"] != role:
        raise FormingError(_("An application in the list is not in this programme."))
    if row["status"] not in POOL:
        raise FormingError(
            _("An applicant in the list is already paired, withdrawn or not selected. Reload.")
        )
    return row


def check(
    conn: db.Connection,
    programme_id: str,
    chosen: list[tuple[str, str]],
    rest_ids: list[str],
) -> tuple[list[tuple[Any, Any]], list[Any]]:
    """The application rows of every chosen pair and of the rest; FormingError when any is not
    an open application of the programme in the right role, a mentee is chosen twice, or an
    applicant is both in a pair and in the rest."""
    if not chosen:
        raise FormingError(_("Choose at least one pair."))
    if len(chosen) > MAX_PAIRS:
        raise FormingError(_("At most %(n)s pairs at once.", n=MAX_PAIRS))
    mentees = [mentee for _mentor, mentee in chosen]
    if len(set(mentees)) != len(mentees):
        raise FormingError(_("A mentee can be in one pair only."))
    rows = [
        (
            _pool_application(conn, programme_id, mentor, "mentor"),
            _pool_application(conn, programme_id, mentee, "mentee"),
        )
        for mentor, mentee in chosen
    ]
    paired = {a for pair in chosen for a in pair}
    if paired & set(rest_ids):
        raise FormingError(_("An applicant cannot be both in a pair and in the rest."), "rest")
    rest = []
    for app_id in dict.fromkeys(rest_ids):
        row = queries.application(conn, app_id)
        if row is None or row["programme_id"] != programme_id or row["status"] not in POOL:
            raise FormingError(
                _("An application in the rest is not open in this programme."), "rest"
            )
        rest.append(row)
    return rows, rest


def _contact(conn: db.Connection, programme: Any, role: str, actor: Any) -> tuple[str, str]:
    call = queries.call(conn, programme["id"], role)
    if call is not None and call["contact_email"]:
        return call["contact_name"] or call["contact_email"], call["contact_email"]
    return actor["display_name"] or actor["email"], actor["email"]


def _found_mail(conn: db.Connection, programme: Any, row: Any, actor: Any) -> None:
    name, email = _contact(conn, programme, row["role"], actor)
    with force_locale(mail_locale(programme["language"], row["language"])):
        partner = _("a mentee") if row["role"] == "mentor" else _("a mentor")
        subject = _("%(programme)s: a pair has been found for you", programme=programme["name"])
        text = "\n\n".join(
            [
                _("Hello,"),
                _(
                    "Good news: we have found you %(partner)s in %(programme)s.",
                    partner=partner,
                    programme=programme["name"],
                ),
                _(
                    "You will get a separate invitation to Pairbook, where you and your partner "
                    "meet. Open it to start; what you write there stays between the two of you."
                ),
                _("Questions? Contact %(name)s, %(email)s.", name=name, email=email),
            ]
        )
    mail.enqueue(conn, row["email"], subject, text)


def _rest_mail(conn: db.Connection, programme: Any, row: Any, status: str, actor: Any) -> None:
    name, email = _contact(conn, programme, row["role"], actor)
    with force_locale(mail_locale(programme["language"], row["language"])):
        subject = _("%(programme)s: about your application", programme=programme["name"])
        if status == "waiting":
            news = _(
                "We could not find you a pair this time. You are on the waiting list of "
                "%(programme)s: we will contact you if a place opens.",
                programme=programme["name"],
            )
        else:
            news = _(
                "We could not offer you a place in %(programme)s this time. Thank you for your "
                "interest.",
                programme=programme["name"],
            )
        text = "\n\n".join(
            [
                _("Hello,"),
                _("Thank you for applying to %(programme)s.", programme=programme["name"]),
                news,
                _("Questions? Contact %(name)s, %(email)s.", name=name, email=email),
            ]
        )
    mail.enqueue(conn, row["email"], subject, text)


def create_pairs(
    conn: db.Connection,
    programme: Any,
    actor: Any,
    chosen: list[tuple[str, str]],
    rest_ids: list[str],
    rest_status: str,
) -> Formed:
    """Carry out the organiser's choice inside the caller's transaction; FormingError (nothing
    done) when any part is wrong. `chosen` = (mentor application id, mentee application id)."""
    if rest_status not in REST_STATUSES:
        raise FormingError(_("Choose waiting list or not selected for the rest."), "rest_status")
    rows, rest = check(conn, programme["id"], chosen, rest_ids)
    lines = [
        bulk.Row(n, mentor["email"], mentee["email"]) for n, (mentor, mentee) in enumerate(rows, 1)
    ]
    checked = bulk.check(conn, bulk.Checked(lines))
    if not checked.ok:
        raise FormingError(" ".join(e for r in checked.bad_rows for e in r.errors))
    formed = bulk.form_pairs(conn, programme, checked.rows, actor["id"])
    paired_rows = {r["id"]: r for pair in rows for r in pair}
    for row in paired_rows.values():
        _found_mail(conn, programme, row, actor)
    applicants.change_status(conn, programme["id"], list(paired_rows), "paired")
    for row in rest:
        _rest_mail(conn, programme, row, rest_status, actor)
    if rest:
        applicants.change_status(conn, programme["id"], [r["id"] for r in rest], rest_status)
    return Formed(formed, len(rest))


def replace_from_pool(
    conn: db.Connection, programme: Any, actor: Any, pair: Any, role: str, application_id: str
) -> Any:
    """Fill the role a member left in `pair` with an applicant from the pool, inside the
    caller's transaction: the invitation (organiser/replacing), "a pair has been found for you",
    the application marked paired. FormingError (nothing done) when any part is wrong."""
    if pair["programme_id"] != programme["id"] or not replacing.vacant(conn, pair, role):
        raise FormingError(_("This pair has no place to fill in that role. Reload."), "pair")
    row = _pool_application(conn, programme["id"], application_id, role)
    refusal = replacing.refusal(conn, pair["id"], role, row["email"])
    if refusal is not None:
        raise FormingError(refusal, "application_id")
    replacing.invite(conn, pair, programme, role, row["email"], actor["id"])
    _found_mail(conn, programme, row, actor)
    applicants.change_status(conn, programme["id"], [row["id"]], "paired")
    return row
