"""What waits for a member, told without content: the partner changed the agreement and waits
for a confirmation, the partner joined, the organiser replied to a report, a message from the
organiser, the evaluation waits near the mid-point or the end, no meeting logged for a while.
Other areas call the one-line hooks below where the thing happens (inside their transaction);
the mail job adds the nudges computed from metadata and sends at most one digest a day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from workspace.accounts.queries import base_url
from workspace.communication import contact, links, notify_queries
from workspace.communication.plan import today
from workspace.core import clock, db, mail
from workspace.core.i18n import mail_locale

QUIET_WEEKS = 3
# How many days before the mid-point and the end the evaluation nudge comes.
EVALUATION_LEAD_DAYS = {"mid": 7, "end": 14}


def label(kind: str) -> str:
    """A kind's line in the digest, on the badge list and on the settings page."""
    return {
        "agreement_waiting": _(
            "Your partner changed the agreement and waits for your confirmation"
        ),
        "partner_joined": _("Your partner has joined"),
        "organiser_reply": _("The organiser replied to your report"),
        "organiser_message": _("A new message from the organiser"),
        "evaluation_due": _("The evaluation waits: the programme's mid-point or end is near"),
        "quiet_pair": _("No meeting has been logged for a while"),
    }[kind]


def _partners(conn: db.Connection, pair_id: str, user_id: str) -> list[Any]:
    return [m for m in notify_queries.joined_members(conn, pair_id) if m["id"] != user_id]


# --- hooks: one call each, where the thing happens --------------------------------------------


def entry_saved(conn: db.Connection, pair_id: str, author_id: str, entry_type: str) -> None:
    """A notebook entry was saved: an agreement now waits for the partner's confirmation."""
    if entry_type != "agreement":
        return
    for partner in _partners(conn, pair_id, author_id):
        notify_queries.add(conn, partner["id"], "agreement_waiting", pair_id)


def member_joined(conn: db.Connection, invitation: Any) -> None:
    """An invitation was accepted: a pair member's partner hears that they joined."""
    if invitation["pair_id"] is None or invitation["role"] not in ("mentor", "mentee"):
        return
    for partner in _partners(conn, invitation["pair_id"], invitation["user_id"]):
        notify_queries.add(conn, partner["id"], "partner_joined", invitation["pair_id"])


def flag_message(conn: db.Connection, flag: Any, kind: str) -> None:
    """An organiser wrote about a report: if it was a reply, the reporter hears that a reply
    waits (never what it says)."""
    if kind == "reply":
        notify_queries.add(
            conn, flag["reporter_id"], "organiser_reply", flag["pair_id"], flag["id"]
        )


# --- nudges from metadata, run by the mail job ------------------------------------------------


def nudge(conn: db.Connection) -> int:
    """Add the evaluation and quiet-pair nudges that are due; return how many were added."""
    weeks = int(current_app.config.get("COMM_QUIET_WEEKS", QUIET_WEEKS))
    now = clock.now()
    day = today()
    added = 0
    with db.transaction(conn):
        for pair in notify_queries.active_pairs(conn, day):
            members = notify_queries.joined_members(conn, pair["pair_id"])
            for ref, column in (("mid", "mid_date"), ("end", "end_date")):
                target = date.fromisoformat(pair[column])
                opens = target - timedelta(days=EVALUATION_LEAD_DAYS[ref])
                if not opens.isoformat() <= day <= target.isoformat():
                    continue
                since = clock.iso(
                    clock.parse(f"{opens.isoformat()}T00:00:00Z") - timedelta(days=30)
                )
                for m in members:
                    if notify_queries.ever(
                        conn, m["id"], "evaluation_due", pair["pair_id"], ref
                    ) or notify_queries.evaluation_since(conn, pair["notebook_id"], m["id"], since):
                        continue
                    added += notify_queries.add(
                        conn, m["id"], "evaluation_due", pair["pair_id"], ref
                    )
            if len(members) < 2:
                continue
            quiet_since = (
                notify_queries.last_meeting_logged(conn, pair["notebook_id"])
                or pair["notebook_created"]
            )
            told = notify_queries.last_of_kind(conn, pair["pair_id"], "quiet_pair")
            limit = now - timedelta(weeks=weeks)
            if clock.parse(quiet_since) > limit or (told and clock.parse(told) > limit):
                continue
            for m in members:
                added += notify_queries.add(conn, m["id"], "quiet_pair", pair["pair_id"])
    return added


def send_digests(conn: db.Connection) -> int:
    """One mail per member with what waits for them, at most one a day; return how many."""
    sent = 0
    since = clock.iso(clock.now() - timedelta(hours=24))
    for member in notify_queries.digest_due(conn, since):
        with db.transaction(conn):
            items = notify_queries.unmailed(conn, member["user_id"])
            if not items:
                continue
            programmes = {}
            for item in items:
                if item["pair_id"] and item["pair_id"] not in programmes:
                    programmes[item["pair_id"]] = notify_queries.pair_programme(
                        conn, item["pair_id"]
                    )
            first = next((p for p in programmes.values() if p is not None), None)
            language = (
                contact.member_language(conn, member["user_id"], first)
                if first is not None
                else mail_locale(None, notify_queries.mail_language(conn, member["user_id"]))
            )
            unsubscribe = links.unsubscribe_url(member["user_id"], "all")
            with force_locale(language):
                lines = []
                for item in items:
                    where = item["programme_name"]
                    text = label(item["kind"])
                    lines.append(f"- {text} ({where})" if where else f"- {text}")
                parts = [
                    _("Something waits for you on Pairbook:"),
                    "\n".join(lines),
                    _("Sign in to see it: %(link)s", link=f"{base_url()}/notifications"),
                    _(
                        "For your privacy this message never says what anyone wrote: you read "
                        "it only in Pairbook."
                    ),
                ]
                reply_to = ""
                for programme in {p["id"]: p for p in programmes.values() if p}.values():
                    who = contact.sender(conn, programme)
                    reply_to = reply_to or who["reply_to"]
                    parts.append(contact.footer(who))
                parts.append(
                    _(
                        "Choose which notifications you get: %(link)s",
                        link=f"{base_url()}/account/notifications",
                    )
                    + "\n"
                    + _("Stop all notifications: %(link)s", link=unsubscribe)
                )
                subject = _("Something waits for you on Pairbook")
            mail.enqueue(
                conn,
                member["email"],
                subject,
                "\n\n".join(parts),
                headers={"Reply-To": reply_to, "List-Unsubscribe": f"<{unsubscribe}>"},
            )
            notify_queries.mark_mailed(conn, member["user_id"], [i["id"] for i in items])
            sent += 1
    return sent
