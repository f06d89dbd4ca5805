"""The surveys' storage: every write to `surveys`, `survey_questions`, `survey_sends`,
`survey_responses`, `survey_links` and `survey_answers`. Who has answered and the sealed answers
live in tables with nothing that joins them (see the migration and docs/PROTOCOL.md)."""

from __future__ import annotations

import json
import secrets
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from workspace.accounts.queries import new_id, token_hash
from workspace.core import clock, db
from workspace.surveys import definitions

Row = Any


HELSINKI = ZoneInfo("Europe/Helsinki")


def today() -> str:
    """Today in Finland (surveys are sent on Finnish days)."""
    return clock.now().astimezone(HELSINKI).date().isoformat()


def ensure_surveys(conn: db.Connection, programme: Any) -> dict[str, Row]:
    """The programme's three surveys, each created on first use with the ready-written
    questions and its default day (left unscheduled when that day has passed already)."""
    have = surveys_of(conn, programme["id"])
    for kind in definitions.KINDS:
        if kind in have:
            continue
        day = definitions.default_day(programme, kind).isoformat()
        survey_id = new_id("sv")
        rows = definitions.builtin_rows(kind)
        conn.execute(
            "INSERT OR IGNORE INTO surveys (id, programme_id, kind, send_on, next_question) "
            "VALUES (?, ?, ?, ?, ?)",
            (survey_id, programme["id"], kind, day if day >= today() else None, len(rows) + 1),
        )
        conn.executemany(
            "INSERT INTO survey_questions (survey_id, id, position, kind, audience, required, "
            "builtin, options) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
            [
                (
                    survey_id,
                    r["id"],
                    r["position"],
                    r["kind"],
                    r["audience"],
                    r["builtin"],
                    json.dumps(r["options"]),
                )
                for r in rows
            ],
        )
    return surveys_of(conn, programme["id"])


def surveys_of(conn: db.Connection, programme_id: str) -> dict[str, Row]:
    """The programme's surveys by kind."""
    return {
        r["kind"]: r
        for r in conn.execute("SELECT * FROM surveys WHERE programme_id = ?", (programme_id,))
    }


def survey(conn: db.Connection, survey_id: str) -> Row | None:
    """A survey by id."""
    return conn.execute("SELECT * FROM surveys WHERE id = ?", (survey_id,)).fetchone()


def set_schedule(conn: db.Connection, programme_id: str, kind: str, send_on: date | None) -> None:
    """Send the programme's survey of `kind` on `send_on` (None: not scheduled; sent by hand)."""
    if kind not in definitions.KINDS:
        raise ValueError(kind)
    programme = conn.execute("SELECT * FROM programmes WHERE id = ?", (programme_id,)).fetchone()
    if programme is None:
        raise ValueError(programme_id)
    ensure_surveys(conn, programme)
    conn.execute(
        "UPDATE surveys SET send_on = ? WHERE programme_id = ? AND kind = ?",
        (send_on.isoformat() if send_on else None, programme_id, kind),
    )


def schedule(conn: db.Connection, programme_id: str) -> dict[str, date | None]:
    """The day each of the programme's surveys is (or was) to be sent, by kind; for a survey
    not made yet, the default day it will get (None once that day has passed)."""
    found = surveys_of(conn, programme_id)
    programme = conn.execute("SELECT * FROM programmes WHERE id = ?", (programme_id,)).fetchone()
    out: dict[str, date | None] = {}
    for kind in definitions.KINDS:
        if kind in found:
            day = found[kind]["send_on"]
            out[kind] = date.fromisoformat(day) if day else None
        elif programme is not None:
            default = definitions.default_day(programme, kind)
            out[kind] = default if default.isoformat() >= today() else None
        else:
            out[kind] = None
    return out


def set_reminder_days(conn: db.Connection, survey_id: str, days: int) -> None:
    """How many days after sending the one reminder goes."""
    conn.execute("UPDATE surveys SET reminder_days = ? WHERE id = ?", (days, survey_id))


# Questions


def questions(conn: db.Connection, survey_id: str, *, removed: bool = False) -> list[Row]:
    """A survey's questions in order (the removed ones too when asked)."""
    return conn.execute(
        "SELECT * FROM survey_questions WHERE survey_id = ? AND (? OR removed = 0) "
        "ORDER BY position, id",
        (survey_id, int(removed)),
    ).fetchall()


def question(conn: db.Connection, survey_id: str, question_id: str) -> Row | None:
    """One question, not removed."""
    return conn.execute(
        "SELECT * FROM survey_questions WHERE survey_id = ? AND id = ? AND removed = 0",
        (survey_id, question_id),
    ).fetchone()


def add_question(
    conn: db.Connection,
    survey_id: str,
    kind: str,
    audience: str,
    required: bool,
    text: str,
    options: list[str],
) -> str:
    """A new question at the end, with a fresh id never used in this survey before."""
    row = conn.execute(
        "SELECT next_question, (SELECT COALESCE(MAX(position), 0) FROM survey_questions "
        "WHERE survey_id = s.id) AS last FROM surveys s WHERE id = ?",
        (survey_id,),
    ).fetchone()
    question_id = f"q{row['next_question']}"
    conn.execute("UPDATE surveys SET next_question = next_question + 1 WHERE id = ?", (survey_id,))
    conn.execute(
        "INSERT INTO survey_questions (survey_id, id, position, kind, audience, required, text, "
        "options) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            survey_id,
            question_id,
            row["last"] + 1,
            kind,
            audience,
            int(required),
            text,
            json.dumps(
                [
                    {"id": f"o{i}", "key": None, "text": t, "removed": False}
                    for i, t in enumerate(options, start=1)
                ]
            ),
        ),
    )
    return question_id


def update_question(
    conn: db.Connection,
    survey_id: str,
    question_id: str,
    *,
    audience: str,
    required: bool,
    text: str | None,
    options: list[dict[str, Any]],
) -> None:
    """New wording, audience and options (their ids kept; `text` None: the ready-written one)."""
    conn.execute(
        "UPDATE survey_questions SET audience = ?, required = ?, text = ?, options = ? "
        "WHERE survey_id = ? AND id = ?",
        (audience, int(required), text, json.dumps(options), survey_id, question_id),
    )


def move_question(conn: db.Connection, survey_id: str, question_id: str, step: int) -> bool:
    """Swap a question with its neighbour above (-1) or below (+1); False at either end."""
    order = [r["id"] for r in questions(conn, survey_id)]
    if question_id not in order:
        return False
    i = order.index(question_id)
    j = i + step
    if not 0 <= j < len(order):
        return False
    order[i], order[j] = order[j], order[i]
    conn.executemany(
        "UPDATE survey_questions SET position = ? WHERE survey_id = ? AND id = ?",
        [(n, survey_id, q) for n, q in enumerate(order, start=1)],
    )
    return True


def remove_question(conn: db.Connection, survey_id: str, question_id: str) -> None:
    """Take a question out of the survey; its id is never given again."""
    conn.execute(
        "UPDATE survey_questions SET removed = 1 WHERE survey_id = ? AND id = ?",
        (survey_id, question_id),
    )


# Sending and reminding


STALE_DAYS = 14  # a day that passed longer ago than this while nothing ran is not sent by itself


def due(conn: db.Connection, today: str) -> list[Row]:
    """Surveys whose day has come (within STALE_DAYS) that have not been sent: after a long
    pause a stale survey waits for the organiser to send it by hand."""
    return conn.execute(
        "SELECT s.* FROM surveys s JOIN programmes g ON g.id = s.programme_id "
        "WHERE s.send_on IS NOT NULL AND s.send_on <= ? AND s.sent_on IS NULL "
        "AND s.send_on >= date(?, ?) AND g.purged_at IS NULL ORDER BY s.send_on, s.id",
        (today, today, f"-{STALE_DAYS} days"),
    ).fetchall()


def mark_sent(conn: db.Connection, survey_id: str, day: str) -> None:
    """The survey went out (first send); the reminder counts from this day."""
    conn.execute("UPDATE surveys SET sent_on = COALESCE(sent_on, ?) WHERE id = ?", (day, survey_id))


def due_reminders(conn: db.Connection, today: str) -> list[Row]:
    """Sent surveys whose one reminder falls due today or earlier and has not gone."""
    return conn.execute(
        "SELECT s.* FROM surveys s JOIN programmes g ON g.id = s.programme_id "
        "WHERE s.sent_on IS NOT NULL AND s.reminded_on IS NULL AND g.purged_at IS NULL "
        "AND date(s.sent_on, '+' || s.reminder_days || ' days') <= ? ORDER BY s.id",
        (today,),
    ).fetchall()


def mark_reminded(conn: db.Connection, survey_id: str, day: str) -> None:
    """The survey's one reminder went."""
    conn.execute("UPDATE surveys SET reminded_on = ? WHERE id = ?", (day, survey_id))


def recipients(conn: db.Connection, programme_id: str) -> list[Row]:
    """Everyone who has been a member of one of the programme's pairs and was not removed,
    whether the pair goes on or has ended: id, email, role, name, joined, pair ended."""
    return conn.execute(
        "SELECT u.id, u.email, m.role, m.display_name, m.accepted_at, p.id AS pair_id, "
        "p.ended_at IS NOT NULL AS ended FROM pair_members m JOIN pairs p ON p.id = m.pair_id "
        "JOIN users u ON u.id = m.user_id WHERE p.programme_id = ? AND m.removed_at IS NULL "
        "ORDER BY m.role, u.email",
        (programme_id,),
    ).fetchall()


def record_send(conn: db.Connection, survey_id: str, user_id: str, role: str, day: str) -> bool:
    """Record that a member was sent the survey; False if they were already."""
    return (
        conn.execute(
            "INSERT OR IGNORE INTO survey_sends (survey_id, user_id, role, sent_on) "
            "VALUES (?, ?, ?, ?)",
            (survey_id, user_id, role, day),
        ).rowcount
        == 1
    )


def send_of(conn: db.Connection, survey_id: str, user_id: str) -> Row | None:
    """The member's send of a survey, if they were sent it."""
    return conn.execute(
        "SELECT * FROM survey_sends WHERE survey_id = ? AND user_id = ?", (survey_id, user_id)
    ).fetchone()


def to_remind(conn: db.Connection, survey_id: str) -> list[Row]:
    """Those sent the survey who have not answered and were not reminded."""
    return conn.execute(
        "SELECT s.* FROM survey_sends s WHERE s.survey_id = ? AND s.reminded = 0 "
        "AND NOT EXISTS (SELECT 1 FROM survey_responses r WHERE r.survey_id = s.survey_id "
        "AND r.user_id = s.user_id) ORDER BY s.user_id",
        (survey_id,),
    ).fetchall()


def mark_member_reminded(conn: db.Connection, survey_id: str, user_id: str) -> None:
    """A member got the reminder."""
    conn.execute(
        "UPDATE survey_sends SET reminded = 1 WHERE survey_id = ? AND user_id = ?",
        (survey_id, user_id),
    )


def counts(conn: db.Connection, survey_id: str) -> tuple[int, int]:
    """(how many were sent the survey, how many have answered)."""
    row = conn.execute(
        "SELECT (SELECT COUNT(*) FROM survey_sends WHERE survey_id = ?) AS sent, "
        "(SELECT COUNT(*) FROM survey_responses WHERE survey_id = ?) AS answered",
        (survey_id, survey_id),
    ).fetchone()
    return row["sent"], row["answered"]


def open_for_member(conn: db.Connection, user_id: str, programme_id: str) -> list[Row]:
    """Surveys of a programme the member was sent, with whether they answered."""
    return conn.execute(
        "SELECT s.*, EXISTS (SELECT 1 FROM survey_responses r WHERE r.survey_id = s.id "
        "AND r.user_id = ?) AS answered FROM surveys s JOIN survey_sends d ON d.survey_id = s.id "
        "WHERE s.programme_id = ? AND d.user_id = ? ORDER BY s.sent_on, s.kind",
        (user_id, programme_id, user_id),
    ).fetchall()


def pair_code(conn: db.Connection, pair_id: str) -> str | None:
    """A pair's code (for a signed answer)."""
    row = conn.execute("SELECT code FROM pairs WHERE id = ?", (pair_id,)).fetchone()
    return row["code"] if row else None


# Single-use links


def new_link(conn: db.Connection, survey_id: str, user_id: str, expires_on: str) -> str:
    """A fresh answer link's token (shown once in a mail, stored hashed)."""
    token = secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO survey_links (token_hash, survey_id, user_id, expires_on) VALUES (?, ?, ?, ?)",
        (token_hash(token), survey_id, user_id, expires_on),
    )
    return token


def link(conn: db.Connection, token: str) -> Row | None:
    """The link for a token, with the member's send (role), used or not; None if forged."""
    return conn.execute(
        "SELECT l.*, d.role FROM survey_links l JOIN survey_sends d "
        "ON d.survey_id = l.survey_id AND d.user_id = l.user_id WHERE l.token_hash = ?",
        (token_hash(token),),
    ).fetchone()


# Answers


def has_answered(conn: db.Connection, survey_id: str, user_id: str) -> bool:
    """Whether the member has answered the survey."""
    return (
        conn.execute(
            "SELECT 1 FROM survey_responses WHERE survey_id = ? AND user_id = ?",
            (survey_id, user_id),
        ).fetchone()
        is not None
    )


def answer_survey(conn: db.Connection, answer_id: str) -> str | None:
    """The survey a sealed answer with this id belongs to, if one is stored."""
    row = conn.execute("SELECT survey_id FROM survey_answers WHERE id = ?", (answer_id,)).fetchone()
    return row["survey_id"] if row else None


def store_answer(
    conn: db.Connection,
    survey_id: str,
    user_id: str,
    answer_id: str,
    bundle: str,
    copies: list[tuple[str, str]],
    day: str,
) -> None:
    """Record that the member answered and store the sealed answer, apart (caller's
    transaction; the caller has checked that they had not answered)."""
    conn.execute(
        "INSERT INTO survey_responses (survey_id, user_id) VALUES (?, ?)", (survey_id, user_id)
    )
    conn.execute(
        "INSERT INTO survey_answers (id, survey_id, answered_on, bundle, copies) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            answer_id,
            survey_id,
            day,
            bundle,
            json.dumps([{"recipient_id": r, "sealed": json.loads(s)} for r, s in copies]),
        ),
    )


def spend_links(conn: db.Connection, survey_id: str, user_id: str) -> None:
    """Every answer link of the member for the survey is used now (answering spends them all)."""
    conn.execute(
        "UPDATE survey_links SET used = 1 WHERE survey_id = ? AND user_id = ?",
        (survey_id, user_id),
    )


def answers_for(conn: db.Connection, survey_id: str, recipient_id: str) -> list[dict[str, Any]]:
    """The survey's sealed answers with the copy sealed to one organiser, in id order (random)."""
    out = []
    for row in conn.execute(
        "SELECT id, bundle, copies FROM survey_answers WHERE survey_id = ? ORDER BY id",
        (survey_id,),
    ):
        mine = [c for c in json.loads(row["copies"]) if c["recipient_id"] == recipient_id]
        if mine:
            bundle = json.loads(row["bundle"])
            out.append({"answer_id": row["id"], "bundle": bundle, "sealed": mine[0]["sealed"]})
    return out


def member_rows(conn: db.Connection, user_id: str) -> dict[str, list[dict[str, Any]]]:
    """A person's rows of the sends, the answered record and the links (no link secret), with
    each survey's programme and kind, for their data export."""

    def rows(sql: str) -> list[dict[str, Any]]:
        return [dict(r) for r in conn.execute(sql, (user_id,))]

    return {
        "sent": rows(
            "SELECT d.*, s.programme_id, s.kind FROM survey_sends d "
            "JOIN surveys s ON s.id = d.survey_id WHERE d.user_id = ? ORDER BY d.sent_on"
        ),
        "answered": rows(
            "SELECT r.*, s.programme_id, s.kind FROM survey_responses r "
            "JOIN surveys s ON s.id = r.survey_id WHERE r.user_id = ?"
        ),
        "links": rows(
            "SELECT l.survey_id, l.user_id, l.expires_on, l.used FROM survey_links l "
            "WHERE l.user_id = ? ORDER BY l.expires_on"
        ),
    }
