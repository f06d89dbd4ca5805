"""A programme that recruits, set up as the organiser's call editor leaves it: privacy notice
filled in, both calls with their texts and dates, opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask

from memberclient.client import Client
from workspace.core import clock, db
from workspace.organiser import programmes
from workspace.recruitment import queries

QUESTIONS = [
    {"id": "q1", "kind": "short", "label": "Employer", "why": "For pairs", "required": True},
    {
        "id": "q2",
        "kind": "many",
        "label": "Events",
        "why": "Planning",
        "options": ["Kick-off", "Closing"],
        "required": False,
    },
]


@dataclass
class Recruiting:
    """What a test needs of a recruiting programme."""

    programme_id: str
    slug: str
    starts_on: date


def recruiting_programme(
    app: Flask,
    organiser: Client,
    *,
    name: str = "Kevään mentorointi",
    language: str = "fi",
    open_calls: bool = True,
    keep_days: int = 90,
) -> Recruiting:
    """A programme of `organiser` recruiting for both roles (calls open unless told)."""
    today = clock.now().date()
    start = today + timedelta(days=40)
    conn = db.open_for_app(app)
    try:
        with app.test_request_context(), db.transaction(conn):
            programme_id = programmes.create_programme(
                conn,
                organiser.user_id or "",
                name,
                language,
                (start, start + timedelta(days=90), start + timedelta(days=180)),
            )
            programmes.set_privacy(
                conn,
                programme_id,
                controller="Järjestö ry",
                contact="tietosuoja@example.org",
                retention_days=90,
                extra=None,
            )
            row = queries.ensure_recruitment(conn, programme_id, name)
            queries.set_keep_days(conn, programme_id, keep_days)
            for role in ("mentor", "mentee"):
                queries.save_call(
                    conn,
                    programme_id,
                    role,
                    offer=f"Six months of mentoring for {role}s.",
                    length_text="6 months",
                    rhythm="Twice a month",
                    mode="either",
                    criteria="Anyone in the Tampere region",
                    contact_name="Olga Organiser",
                    contact_email="olga@example.org",
                    closes_on=(today + timedelta(days=10)).isoformat(),
                    pairs_by=(today + timedelta(days=25)).isoformat(),
                    starts_on=start.isoformat(),
                    languages=["fi", "en"],
                    questions=QUESTIONS,
                )
                if open_calls:
                    queries.set_call_state(conn, programme_id, role, "open")
    finally:
        conn.close()
    return Recruiting(programme_id, row["slug"], start)


def mentee_answers(canary: str = "") -> dict[str, object]:
    """A full mentee's answers; every text carries `canary` when given."""
    return {
        "name": f"Ada {canary}",
        "languages": ["fi"],
        "field": f"data analysis {canary}",
        "themes": ["cv", "other"],
        "themes_other": f"portfolio {canary}",
        "mode": "remote",
        "place": f"Tampere {canary}",
        "times": ["weekday_evening"],
        "about": f"I hope to find work {canary}",
        "q:q1": f"Acme {canary}",
        "q:q2": ["Kick-off"],
    }
