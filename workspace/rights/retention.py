"""How long Pairbook keeps things, and the warnings before a notebook is deleted (with the record
of those sent). The purge that acts on these rules is in rights/purge.py."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from workspace.accounts import queries as accounts
from workspace.core import clock, db, mail
from workspace.core.i18n import mail_locale

GRACE_DAYS = 30  # export access after an organiser ends a pair or removes a participant
OUTBOX_DAYS = 30
NOTICE_DAYS = {1: 30, 2: 7}  # warnings this many days before a notebook is deleted


def deletion_date(programme: Any) -> date:
    """The day a programme's notebooks are deleted."""
    return date.fromisoformat(programme["end_date"]) + timedelta(days=programme["retention_days"])


def warn(conn: db.Connection, today: date, counts: Counter[str]) -> None:
    """Email each member whose notebook is deleted within a warning's days, once per warning."""
    for programme in conn.execute("SELECT * FROM programmes WHERE purged_at IS NULL").fetchall():
        due = deletion_date(programme)
        for notice, days in NOTICE_DAYS.items():
            if not due - timedelta(days=days) <= today < due:
                continue
            members = conn.execute(
                "SELECT m.pair_id, u.id, u.email, u.language FROM pairs p "
                "JOIN notebooks n ON n.pair_id = p.id JOIN pair_members m ON m.pair_id = p.id "
                "JOIN users u ON u.id = m.user_id "
                "WHERE p.programme_id = ? AND NOT EXISTS (SELECT 1 FROM retention_notices r "
                "WHERE r.pair_id = m.pair_id AND r.user_id = u.id AND r.notice = ?)",
                (programme["id"], notice),
            ).fetchall()
            for member in members:
                with force_locale(mail_locale(programme["language"], member["language"])):
                    subject = _(
                        "Your Pairbook notebook will be deleted on %(date)s",
                        date=format_date(due, "long"),
                    )
                    body = "\n\n".join(
                        [
                            _(
                                "The programme %(programme)s has ended. As agreed, your pair's "
                                "notebook will be deleted on %(date)s.",
                                programme=programme["name"],
                                date=format_date(due, "long"),
                            ),
                            _("To keep a copy, sign in and choose “Download my data”:"),
                            f"{accounts.base_url()}/account/data",
                        ]
                    )
                mail.enqueue(conn, member["email"], subject, body)
                record_notice(conn, member["pair_id"], member["id"], notice)
                counts[f"retention warnings ({notice})"] += 1


def record_notice(conn: db.Connection, pair_id: str, user_id: str, notice: int) -> None:
    """Warning `notice` has been sent to this member of the pair (it is never sent twice)."""
    conn.execute(
        "INSERT INTO retention_notices (pair_id, user_id, notice, sent_at) VALUES (?, ?, ?, ?)",
        (pair_id, user_id, notice, clock.iso()),
    )


def delete_notices(conn: db.Connection, pair_id: str, user_id: str) -> None:
    """The record of warnings sent to a member who is leaving the pair."""
    conn.execute(
        "DELETE FROM retention_notices WHERE pair_id = ? AND user_id = ?", (pair_id, user_id)
    )
