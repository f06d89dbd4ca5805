"""`pairbook demo`: a programme to try both sides at once, made through the real client."""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from memberclient.client import Client
from workspace.accounts import queries as accounts
from workspace.core import clock, db, mail
from workspace.organiser import programmes
from workspace.pairs import queries as pairs
from workspace.sharing import signals

DEMO_FILE = "demo.json"
WORDS = ["otter", "maple", "harbour", "lantern", "meadow", "copper", "willow", "granite"]


def _passphrase() -> str:
    return "-".join(secrets.choice(WORDS) for _ in range(4)) + f"-{secrets.randbelow(100):02d}"


def load_demo(app: Flask) -> dict[str, Any] | None:
    """The details of an existing demo, if one was created in this instance."""
    path = Path(app.instance_path) / DEMO_FILE
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def _first_steps(app: Flask, pair_id: str, members: list[Client]) -> None:
    """The paired-up pair has met twice and shares its progress, and the mentee has raised a
    concern, so the organiser's progress, report and flags pages have something to show."""
    mentor, mentee = members
    mentor.add_entry(pair_id, "meeting", {"notes": "Got to know each other; CV next time."})
    mentee.add_entry(pair_id, "meeting", {"notes": "Went through my CV together."})
    mentee.raise_flag(pair_id, "cancellations", "Our third meeting was moved twice. (demo)")
    conn = db.open_for_app(app)
    try:
        with app.test_request_context(), db.transaction(conn):
            for member in members:
                for signal in ("phase", "meetings", "activity"):
                    wording = str(signals.SIGNALS[signal])
                    signals.record_consent(
                        conn, pair_id, member.user_id or "", signal, True, wording
                    )
    finally:
        conn.close()


def create_demo(app: Flask) -> dict[str, Any]:
    """Create the demo: an organiser, a programme, one pair that has paired up (met twice, shares
    its progress, raised a concern), two invited."""
    base = (app.config.get("BASE_URL") or accounts.DEV_URL).rstrip("/")
    org_email, org_pass = "organiser@demo.pairbook.test", _passphrase()
    organiser = Client.for_app(app)
    organiser.register(accounts.create_organiser(app, org_email), org_pass, "Demo Organiser")
    today = clock.now().date()
    conn = db.open_for_app(app)
    invitations: list[dict[str, str]] = []
    try:
        with app.test_request_context(base_url=base), db.transaction(conn):
            programme_id = programmes.create_programme(
                conn,
                organiser.user_id or "",
                "Demo: career mentoring",
                "fi",
                (today, today + timedelta(days=90), today + timedelta(days=180)),
            )
            programme = pairs.programme(conn, programme_id)
            made = []
            for n in (1, 2, 3):
                pair, tokens = programmes.form_pair(
                    conn,
                    programme,
                    f"mentor{n}@demo.pairbook.test",
                    f"mentee{n}@demo.pairbook.test",
                )
                made.append((pair, tokens))
    finally:
        conn.close()
    accounts_out = [{"label": "Organiser", "email": org_email, "passphrase": org_pass}]
    # Pair 1 joins through the Python client and pairs up, so every state can be seen.
    first_pair, first_tokens = made[0]
    members = []
    for role, name in (("mentor", "Maija (demo mentor)"), ("mentee", "Ali (demo mentee)")):
        member, passphrase = Client.for_app(app), _passphrase()
        member.register(f"/join/{first_tokens[role]}", passphrase, name)
        members.append(member)
        accounts_out.append(
            {
                "label": f"{first_pair['code']} {role}",
                "email": f"{role}1@demo.pairbook.test",
                "passphrase": passphrase,
            }
        )
    # Creating, sharing and accepting the key takes one round each way.
    for member in (*members, *members):
        member.sync_pair(first_pair["id"])
    _first_steps(app, first_pair["id"], members)
    _notebook_read_views(first_pair["id"], members)
    for pair, tokens in made[1:]:
        for role in ("mentor", "mentee"):
            invitations.append({"label": f"{pair['code']} {role}", "path": f"/join/{tokens[role]}"})
    # Written to instance/outbox/ (or sent) now, so the invitations are there to look at at once.
    mail.deliver_pending(app)
    details = {"base_url": base, "accounts": accounts_out, "invitations": invitations}
    path = Path(app.instance_path) / DEMO_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(details, fh, indent=2)
    return details


def _notebook_read_views(pair_id: str, members: list[Client]) -> None:
    """An agreement both have confirmed and goals with their status, so that the notebook shows
    its read views (the agreement in full, Edit and Remove per goal) after `make run`."""
    mentor, mentee = members
    agreement = mentor.add_entry(
        pair_id,
        "agreement",
        {
            "goals": "Learn the unwritten rules of Finnish working life.\nBuild a network in IT.",
            "meetings": "Every other Tuesday at the library, 5 pm.",
            "contact": "Email; a message if a meeting moves.",
            "ground_rules": "What we say stays between us.",
        },
    )
    for member in members:
        member.confirm(pair_id, agreement)
    mentee.add_entry(pair_id, "goal", {"title": "Update my CV", "status": "reached"})
    mentee.add_entry(pair_id, "goal", {"title": "Practise job interviews", "status": "in_progress"})
