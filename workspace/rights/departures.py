"""What a departure leaves for the member who stays, and what a member is told about their pair.

A leaving member's client re-seals what they wrote without their name (docs/PROTOCOL.md §13.1);
the confirmations that stood on those entries are carried to the re-sealed revision as the
server's record; the kinds of entry the leaver chose to take with them stay readable until a
date, then `pairbook purge` deletes them. The partner is told by mail and by a notice in the app;
pausing, resuming and replacing a member are told the same way. Plain SQL for this module's
tables (carried_confirmations, departure_removals, pair_notices), and the messages.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from workspace.accounts import queries as accounts
from workspace.core import clock, db, mail
from workspace.core.i18n import mail_locale
from workspace.rights.retention import GRACE_DAYS

Row = Any
# The kinds a leaving member chooses to leave (the default) or take with them. The agreement and
# the shared summary are both members' and always stay; a closing evaluation is read by the
# partner at the end and stays too (without the leaver's name), like the rest of the record.
CHOOSABLE = ("meeting", "goal")
NOTICE_KINDS = ("partner-left", "paused", "resumed", "replaced")


def paused_message() -> str:
    """Why a write to a paused pair's notebook is refused (the 409's message)."""
    return _(
        "Your organiser has paused this pair. You can read the notebook; it cannot be changed "
        "until the pair is resumed."
    )


# --- carried confirmations ---------------------------------------------------------------


def carry_confirmations(
    conn: db.Connection, entry_id: str, revision: int, leaver_id: str, rows: list[Row]
) -> None:
    """Record, for the re-sealed `revision`, the confirmations `rows` of the revision before it:
    the leaver's as the former member's (no id), the partner's under their own id."""
    for row in rows:
        member = None if row["user_id"] == leaver_id else row["user_id"]
        conn.execute(
            "INSERT OR REPLACE INTO carried_confirmations (entry_id, revision, member_id, "
            "confirmed_at) VALUES (?, ?, ?, ?)",
            (entry_id, revision, member, row["confirmed_at"]),
        )


def carried(conn: db.Connection, notebook_id: str) -> list[Row]:
    """Carried confirmations that still apply: the entry is still at the re-sealed revision."""
    return conn.execute(
        "SELECT c.entry_id, c.revision, c.member_id, c.confirmed_at "
        "FROM carried_confirmations c JOIN entries e ON e.id = c.entry_id "
        "WHERE e.notebook_id = ? AND e.revision = c.revision ORDER BY c.entry_id",
        (notebook_id,),
    ).fetchall()


# --- entries that go after a grace period --------------------------------------------------


def removal_date() -> str:
    """The ISO date from which entries a leaver takes with them may be deleted: the partner can
    read and download them every day before it."""
    return (clock.now().date() + timedelta(days=GRACE_DAYS)).isoformat()


def schedule_removals(
    conn: db.Connection, pair_id: str, entry_ids: list[str], remove_after: str
) -> None:
    """Delete these entries of the pair's notebook on or after `remove_after`."""
    conn.executemany(
        "INSERT OR REPLACE INTO departure_removals (entry_id, pair_id, remove_after) "
        "VALUES (?, ?, ?)",
        [(entry_id, pair_id, remove_after) for entry_id in entry_ids],
    )


def pending_removals(conn: db.Connection, pair_id: str) -> list[Row]:
    """The pair's entries that a departed member takes with them, with their date."""
    return conn.execute(
        "SELECT entry_id, remove_after FROM departure_removals WHERE pair_id = ? "
        "ORDER BY remove_after, entry_id",
        (pair_id,),
    ).fetchall()


def due_removals(conn: db.Connection, today: date) -> list[str]:
    """The ids of entries whose grace period has ended."""
    return [
        r["entry_id"]
        for r in conn.execute(
            "SELECT entry_id FROM departure_removals WHERE remove_after <= ?",
            (today.isoformat(),),
        )
    ]


# --- notices ---------------------------------------------------------------------------------


def add_notice(
    conn: db.Connection,
    pair_id: str,
    user_id: str,
    kind: str,
    role: str | None,
    *,
    removing: list[str] | None = None,
    remove_after: str | None = None,
) -> None:
    """A notice for a member about their pair, dated today."""
    conn.execute(
        "INSERT INTO pair_notices (id, pair_id, user_id, kind, role, happened_on, removing, "
        "remove_after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            accounts.new_id("n"),
            pair_id,
            user_id,
            kind,
            role,
            clock.now().date().isoformat(),
            json.dumps(removing or []),
            remove_after,
            clock.iso(),
        ),
    )


def notices(conn: db.Connection, pair_id: str, user_id: str) -> list[Row]:
    """A member's notices about the pair that they have not dismissed, newest first."""
    return conn.execute(
        "SELECT * FROM pair_notices WHERE pair_id = ? AND user_id = ? AND dismissed_at IS NULL "
        "ORDER BY created_at DESC, rowid DESC",
        (pair_id, user_id),
    ).fetchall()


def dismiss(conn: db.Connection, notice_id: str, user_id: str) -> bool:
    """The member has read the notice; False if it is not theirs (or already gone)."""
    cur = conn.execute(
        "UPDATE pair_notices SET dismissed_at = ? WHERE id = ? AND user_id = ? "
        "AND dismissed_at IS NULL",
        (clock.iso(), notice_id, user_id),
    )
    return cur.rowcount == 1


def dismiss_kind(conn: db.Connection, pair_id: str, kind: str) -> None:
    """Every member's notices of this kind about the pair are out of date (a pause ended)."""
    conn.execute(
        "UPDATE pair_notices SET dismissed_at = ? WHERE pair_id = ? AND kind = ? "
        "AND dismissed_at IS NULL",
        (clock.iso(), pair_id, kind),
    )


def delete_notices(conn: db.Connection, pair_id: str, user_id: str) -> None:
    """A member leaving the pair: their notices about it go."""
    conn.execute("DELETE FROM pair_notices WHERE pair_id = ? AND user_id = ?", (pair_id, user_id))


def notice_text(row: Row) -> str:
    """A notice in words, in the current language (the mail says the same)."""
    return _describe(
        row["kind"],
        row["role"],
        row["happened_on"],
        json.loads(row["removing"]),
        row["remove_after"],
    )


# --- telling a member ------------------------------------------------------------------------


def _day(iso: str) -> str:
    return format_date(date.fromisoformat(iso), format="long")


def _last_day(remove_after: str) -> str:
    return (date.fromisoformat(remove_after) - timedelta(days=1)).isoformat()


def _describe(
    kind: str, role: str | None, on: str, removing: list[str], remove_after: str | None
) -> str:
    """The words of a notice (the current locale)."""
    if kind == "partner-left":
        who = _("Your mentor") if role == "mentor" else _("Your mentee")
        first = _("%(who)s left Pairbook on %(date)s.", who=who, date=_day(on))
        if not removing or remove_after is None:
            return " ".join(
                [
                    first,
                    _(
                        "Everything they wrote stays in your notebook, shown as a former "
                        "member's. The agreement keeps the confirmations you both gave."
                    ),
                ]
            )
        kinds = (
            _("the meetings and goals they created")
            if set(removing) == {"meeting", "goal"}
            else _("the meetings they logged")
            if removing == ["meeting"]
            else _("the goals they created")
        )
        return " ".join(
            [
                first,
                _(
                    "They asked for %(kinds)s to be removed: these stay readable until "
                    "%(date)s and are then deleted. Download your notebook before that to "
                    "keep a copy. Everything else stays, shown as a former member's.",
                    kinds=kinds,
                    date=_day(_last_day(remove_after)),
                ),
            ]
        )
    if kind == "paused":
        return _(
            "The organiser paused your pair on %(date)s. You can read your notebook and "
            "download it, but not change it until the pair is resumed.",
            date=_day(on),
        )
    if kind == "resumed":
        return _(
            "The organiser resumed your pair on %(date)s. You can write in your notebook again.",
            date=_day(on),
        )
    who = _("a new mentor") if role == "mentor" else _("a new mentee")
    return _(
        "On %(date)s the organiser invited %(who)s to your pair. When they have joined, open "
        "your pair's page: your browser gives them the notebook key, and they can read the "
        "notebook's history.",
        date=_day(on),
        who=who,
    )


_SUBJECTS = {
    "partner-left": lambda: _("Your partner has left Pairbook"),
    "paused": lambda: _("Your mentoring pair has been paused"),
    "resumed": lambda: _("Your mentoring pair has been resumed"),
    "replaced": lambda: _("A new partner has been invited to your pair"),
}


def organiser_contact(conn: db.Connection, programme: Row) -> str:
    """How to reach the programme's organisers: its privacy contact, or their addresses."""
    if programme["privacy_contact"]:
        return str(programme["privacy_contact"])
    return ", ".join(
        r["email"]
        for r in conn.execute(
            "SELECT u.email FROM programme_organisers o JOIN users u ON u.id = o.user_id "
            "WHERE o.programme_id = ? ORDER BY o.added_at",
            (programme["id"],),
        )
    )


def tell(
    conn: db.Connection,
    pair: Row,
    programme: Row,
    user_id: str,
    kind: str,
    role: str | None,
    *,
    removing: list[str] | None = None,
    remove_after: str | None = None,
) -> None:
    """Tell a member about their pair: a notice in the app and a mail (queued), in the
    programme's language, naming the programme and the organiser's contact."""
    add_notice(conn, pair["id"], user_id, kind, role, removing=removing, remove_after=remove_after)
    user = accounts.user_by_id(conn, user_id)
    today = clock.now().date().isoformat()
    with force_locale(mail_locale(programme["language"], user["language"])):
        subject = _SUBJECTS[kind]()
        parts = [
            _("About your mentoring pair in %(programme)s:", programme=programme["name"]),
            _describe(kind, role, today, removing or [], remove_after),
        ]
        if removing:
            parts += [
                _("To keep a copy, sign in and choose “Download my data”:"),
                f"{accounts.base_url()}/account/data",
            ]
        else:
            parts.append(f"{accounts.base_url()}/pairs/{pair['id']}")
        contact = organiser_contact(conn, programme)
        if contact:
            parts.append(_("Questions? Contact your organiser: %(contact)s", contact=contact))
        body = "\n\n".join(parts)
    mail.enqueue(conn, user["email"], subject, body)


def tell_access_ended(conn: db.Connection, programme: Row, user_id: str) -> None:
    """Mail a removed member whose place in the pair was given to someone new: their read-only
    access to the notebook ended today, before the end of the grace period they were told."""
    user = accounts.user_by_id(conn, user_id)
    with force_locale(mail_locale(programme["language"], user["language"])):
        subject = _("Your access to your former pair's notebook has ended")
        parts = [
            _(
                "The organiser of %(programme)s has invited someone new into your former place "
                "in the mentoring pair, so your read-only access to its notebook ended today. "
                "Your Pairbook account stays.",
                programme=programme["name"],
            )
        ]
        contact = organiser_contact(conn, programme)
        if contact:
            parts.append(_("Questions? Contact your organiser: %(contact)s", contact=contact))
        body = "\n\n".join(parts)
    mail.enqueue(conn, user["email"], subject, body)
