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
from workspace.core import audit, clock, db, mail
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


def _demo_privacy(conn: db.Connection, programme_id: str, contact: str) -> None:
    """The demo programme's privacy notice is filled in, as invitations need."""
    programmes.set_privacy(
        conn,
        programme_id,
        controller="Demo Mentoring ry",
        contact=contact,
        retention_days=90,
        extra=None,
    )


def _joining_pair(conn: db.Connection, programme: Any, n: int = 1) -> tuple[Any, dict[str, str]]:
    """A pair whose members join at once through the client: their links are used straight
    away, so no invitation mail is queued for them (it would offer a link that no longer
    works)."""
    mentor = accounts.get_or_create_user(conn, f"mentor{n}@demo.pairbook.test", "member")
    mentee = accounts.get_or_create_user(conn, f"mentee{n}@demo.pairbook.test", "member")
    pair = pairs.create_pair(conn, programme["id"], mentor["id"], mentee["id"])
    tokens = {
        role: accounts.create_invitation(conn, user["id"], role, programme["id"], pair["id"])
        for user, role in ((mentor, "mentor"), (mentee, "mentee"))
    }
    return pair, tokens


def _demo_audit(conn: db.Connection, programme_id: str, organiser_id: str, made: list[Any]) -> None:
    """The audit log shows what the demo organiser did: the pairs and the invitations sent."""
    for n, (pair, _tokens) in enumerate(made):
        audit.record(conn, programme_id, organiser_id, "pair.created", pair["code"])
        if n:
            for role in ("mentor", "mentee"):
                audit.record(
                    conn, programme_id, organiser_id, "invitation.sent", f"{pair['code']}:{role}"
                )


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
            _demo_privacy(conn, programme_id, org_email)
            programme = pairs.programme(conn, programme_id)
            made = [_joining_pair(conn, programme)]
            for n in (2, 3):
                pair, tokens = programmes.form_pair(
                    conn,
                    programme,
                    f"mentor{n}@demo.pairbook.test",
                    f"mentee{n}@demo.pairbook.test",
                )
                made.append((pair, tokens))
            _demo_audit(conn, programme_id, organiser.user_id or "", made)
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
    _dated_meeting(first_pair["id"], members)
    for pair, tokens in made[1:]:
        for role in ("mentor", "mentee"):
            invitations.append({"label": f"{pair['code']} {role}", "path": f"/join/{tokens[role]}"})
    _applicants(app, organiser, _recruitment(app, organiser))
    accounts_out.append(_departed_pair(app, programme_id, organiser.user_id or "", base))
    matching = _matching(app, organiser)
    _surveys(app, organiser, base)
    invitations += _languages(app, organiser, org_email, base)
    # Last: its run of the mail jobs also covers what the steps above left due.
    _communication(app, programme_id, organiser.user_id or "")
    _orientation(app, programme_id, members[1].user_id or "")
    _planning(app, organiser, programme_id)
    # Written to instance/outbox/ (or sent) now, so the invitations are there to look at at once.
    mail.deliver_pending(app)
    details = {"base_url": base, "accounts": accounts_out, "invitations": invitations}
    details["matching"] = matching
    path = Path(app.instance_path) / DEMO_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(details, fh, indent=2)
    return details


def _recruitment(app: Flask, organiser: Client) -> str:
    """A second programme that recruits: its privacy notice filled in, both calls open, and a few
    applications sealed to the organiser through memberclient/recruitment.py, so the organiser's
    recruitment page and applicant list have content. Returns the public calls' path."""
    from memberclient.recruitment import Applicant
    from workspace.recruitment import queries as recruitment

    today = clock.now().date()
    start = today + timedelta(days=45)
    base = (app.config.get("BASE_URL") or accounts.DEV_URL).rstrip("/")
    conn = db.open_for_app(app)
    try:
        with app.test_request_context(base_url=base), db.transaction(conn):
            programme_id = programmes.create_programme(
                conn,
                organiser.user_id or "",
                "Demo: spring recruitment",
                "fi",
                (start, start + timedelta(days=90), start + timedelta(days=180)),
            )
            _demo_privacy(conn, programme_id, "privacy@demo.pairbook.test")
            slug = recruitment.ensure_recruitment(conn, programme_id, "Demo spring")["slug"]
            for role, offer in (
                ("mentor", "Share your experience with someone starting their career in Finland."),
                ("mentee", "Meet an experienced professional of your field twice a month."),
            ):
                recruitment.save_call(
                    conn,
                    programme_id,
                    role,
                    offer=offer,
                    length_text="Six months",
                    rhythm="Twice a month, about 1.5 hours",
                    mode="either",
                    criteria="Anyone in the Tampere region",
                    contact_name="Demo Organiser",
                    contact_email="organiser@demo.pairbook.test",
                    closes_on=(today + timedelta(days=14)).isoformat(),
                    pairs_by=(today + timedelta(days=30)).isoformat(),
                    starts_on=start.isoformat(),
                    languages=["fi", "en"],
                    questions=[
                        {
                            "id": "q1",
                            "kind": "one",
                            "label": "Can you come to the kick-off evening?",
                            "why": "We plan the evening by who comes.",
                            "options": ["Yes", "No", "Not sure yet"],
                            "required": False,
                        }
                    ],
                )
                recruitment.set_call_state(conn, programme_id, role, "open")
    finally:
        conn.close()
    applicant = Applicant(Client.for_app(app))
    people = [
        ("mentee", "Sara", "data analysis", ["cv", "interview"], "remote"),
        ("mentee", "Ahmed", "nursing", ["working_life", "vocabulary"], "in_person"),
        ("mentee", "Lin", "software testing", ["networking", "job_search"], "either"),
        ("mentor", "Pekka", "software development", ["cv", "networking"], "either"),
        ("mentor", "Anna", "health care management", ["working_life", "interview"], "in_person"),
    ]
    for role, name, field, themes, mode in people:
        answers: dict[str, Any] = {
            "name": name,
            "languages": ["fi", "en"],
            "field": field,
            "themes": themes,
            "mode": mode,
            "place": "Tampere",
            "times": ["weekday_evening"],
            "about": f"{name} hopes to learn and to share: a demo application.",
            "q:q1": "Yes",
        }
        if role == "mentor":
            answers["capacity"] = 1
        # A reserved domain the address check accepts (.test is refused as special-use).
        email = f"{name.lower()}.applicant@example.org"
        applicant.apply(slug, role, email, answers, "en" if name == "Lin" else "fi")
    return f"/apply/{slug}"


def _departed_pair(app: Flask, programme_id: str, organiser_id: str, base: str) -> dict[str, str]:
    """A pair whose mentor deleted their account after both confirmed the agreement: the mentee
    keeps every entry (shown as a former member's), is told, and the organiser can invite a new
    mentor. Returns the mentee's sign-in."""
    conn = db.open_for_app(app)
    try:
        with app.test_request_context(base_url=base), db.transaction(conn):
            programme = pairs.programme(conn, programme_id)
            pair, tokens = _joining_pair(conn, programme, 4)
            audit.record(conn, programme_id, organiser_id, "pair.created", pair["code"])
    finally:
        conn.close()
    mentor, mentee = Client.for_app(app), Client.for_app(app)
    mentor_pass, mentee_pass = _passphrase(), _passphrase()
    mentor.register(f"/join/{tokens['mentor']}", mentor_pass, "Leena (demo mentor who left)")
    mentee.register(f"/join/{tokens['mentee']}", mentee_pass, "Sami (demo mentee)")
    for member in (mentor, mentee, mentor, mentee):
        member.sync_pair(pair["id"])
    agreement = mentor.add_entry(pair["id"], "agreement", {"goals": "A job in logistics."})
    mentor.confirm(pair["id"], agreement)
    mentee.confirm(pair["id"], agreement)
    mentor.add_entry(pair["id"], "meeting", {"notes": "Mapped the logistics employers."})
    mentee.add_entry(pair["id"], "meeting", {"notes": "Practised an interview."})
    with app.test_request_context(base_url=base):
        mentor.delete_account(mentor_pass)
    return {
        "label": f"{pair['code']} mentee (partner left)",
        "email": "mentee4@demo.pairbook.test",
        "passphrase": mentee_pass,
    }


def _communication(app: Flask, programme_id: str, organiser_id: str) -> None:
    """An orientation a week ahead (invitations with a calendar file, answers by link), the
    message plan scheduled from the programme's dates, and the first notifications' digest."""
    from workspace.communication import events, plan
    from workspace.communication import queries as communication

    base = (app.config.get("BASE_URL") or accounts.DEV_URL).rstrip("/")
    start = clock.now().replace(hour=15, minute=0, second=0) + timedelta(days=7)
    conn = db.open_for_app(app)
    try:
        with app.test_request_context(base_url=base), db.transaction(conn):
            programme = pairs.programme(conn, programme_id)
            event_id = communication.create_event(
                conn,
                programme_id,
                organiser_id,
                {
                    "kind": "orientation",
                    "title": "Orientation for mentors and mentees",
                    "description": "How the programme works, the first meeting, staying safe.",
                    "starts_at": clock.iso(start),
                    "minutes": 90,
                    "place": "Demo library, meeting room 2",
                    "online_url": "",
                    "audience": "all",
                    "remind_days": 2,
                },
            )
            events.invite(conn, programme, event_id)
            plan.schedule_suggested(conn, programme)
    finally:
        conn.close()
    mail.run_jobs(app)


def _applicants(app: Flask, organiser: Client, calls_path: str) -> None:
    """The organiser's applicant list with some work done: two applicants in contact, one on the
    waiting list, and a note sealed by the organiser (as the browser seals it) on the first."""
    import crypto
    from workspace.recruitment import queries as recruitment

    conn = db.open_for_app(app)
    try:
        programme_id = recruitment.by_slug(conn, calls_path.rsplit("/", 1)[-1])["programme_id"]
    finally:
        conn.close()
    path = f"/api/v1/organiser/programmes/{programme_id}/applications"
    data = organiser.request("GET", path)
    ids = [a["application_id"] for a in data["applications"]]
    organiser.request(
        "POST", f"{path}/status", {"application_ids": ids[:2], "status": "in_contact"}
    )
    organiser.request("POST", f"{path}/status", {"application_ids": ids[2:3], "status": "waiting"})
    identity = organiser._require_secrets().identity
    note_id = crypto.new_entry_id()
    copies = []
    for o in data["organisers"]:
        ctx = crypto.SealContext(
            "applicant-note", programme_id, note_id, organiser.user_id or "", o["user_id"]
        )
        body = {"schema": 1, "format": "pairbook/applicant-note/v1", "text": "Called; meets Tue."}
        bundle = crypto.verify_bundle(o["bundle"], o["user_id"])
        copies.append(
            {
                "recipient_id": o["user_id"],
                "sealed": crypto.seal_message(identity, bundle, ctx, body),
            }
        )
    organiser.request("POST", f"{path}/{ids[0]}/notes", {"note_id": note_id, "copies": copies})


def _matching(app: Flask, organiser: Client) -> list[str]:
    """Every demo programme with open applications of both roles becomes matchable: starter
    criteria saved (themes count most) and its matching page listed. Returns those paths."""
    from workspace.matching import criteria, forming
    from workspace.matching import queries as matching

    conn = db.open_for_app(app)
    paths = []
    try:
        with db.transaction(conn):
            for row in matching.matchable_programmes(conn, organiser.user_id or "", forming.POOL):
                starter = criteria.default()
                starter["themes"]["weight"] = 6
                matching.save_criteria(conn, row["id"], starter, organiser.user_id or "")
                paths.append(f"/organiser/programmes/{row['id']}/matching")
    finally:
        conn.close()
    return paths


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


def _orientation(app: Flask, programme_id: str, mentee_id: str) -> None:
    """The demo programme's own orientation (separate sessions, a text and two links) and the
    demo mentee's tick, so both the member's page and the organiser's see them."""
    from workspace.orientation import queries as orientation

    conn = db.open_for_app(app)
    try:
        with db.transaction(conn):
            orientation.save_material(
                conn,
                programme_id,
                "separate",
                "Mentors meet on the first Tuesday, mentees on the first Thursday, at the demo "
                "library. Bring a few goals of your own, or a question you would like to ask.",
                [
                    ("Programme handbook (demo)", "https://example.org/demo-handbook"),
                    ("Working in Finland", "https://www.infofinland.fi/en/work-and-enterprise"),
                ],
            )
            orientation.set_done(conn, programme_id, mentee_id, True)
    finally:
        conn.close()


def _planning(app: Flask, organiser: Client, programme_id: str) -> None:
    """The demo programme's planning checklist, partly answered: goals, structure and language
    done, resources answered with a sealed note, the rest not started; so the programme
    overview shows what is done and what is next."""
    import crypto
    from workspace.planning import queries as planning

    conn = db.open_for_app(app)
    try:
        with db.transaction(conn):
            by = organiser.user_id
            planning.save_item(conn, programme_id, "goals", "done", {}, by)
            structure = {"pairs_sought": 3, "length_months": 6, "rhythm": "fortnightly"}
            planning.save_item(
                conn, programme_id, "structure", "done", {**structure, "mode": "either"}, by
            )
            planning.save_item(conn, programme_id, "language", "done", {}, by)
    finally:
        conn.close()
    base = f"/api/v1/organiser/programmes/{programme_id}/planning"
    organisers = organiser.request("GET", f"{base}/notes")["organisers"]
    identity = organiser._require_secrets().identity
    for item, text in (
        ("goals", "Mentees find work in their own field; mentors from local firms."),
        ("resources", "Two organisers, a day a week each; budget for two events."),
    ):
        note_id = crypto.new_entry_id()
        copies = []
        for o in organisers:
            ctx = crypto.SealContext(
                "planning-note", programme_id, note_id, organiser.user_id or "", o["user_id"]
            )
            body = {"schema": 1, "format": "pairbook/planning-note/v1", "text": text}
            bundle = crypto.verify_bundle(o["bundle"], o["user_id"])
            copies.append(
                {
                    "recipient_id": o["user_id"],
                    "sealed": crypto.seal_message(identity, bundle, ctx, body),
                }
            )
        organiser.request("PUT", f"{base}/{item}/note", {"note_id": note_id, "copies": copies})


def _dated_meeting(pair_id: str, members: list[Client]) -> None:
    """A meeting dated last month, logged now while the pair shares its meetings: its client
    states the month, so the organiser's "Meetings per month" counts it in last month."""
    met = clock.now().date().replace(day=1) - timedelta(days=12)
    members[1].add_entry(
        pair_id, "meeting", {"date": met.isoformat(), "minutes": 60, "notes": "Mock interview."}
    )


def _surveys(app: Flask, organiser: Client, base: str) -> None:
    """A programme past its mid-point whose mid-point survey six of its eight members have
    answered (sealed to the demo organiser through memberclient/surveys.py, as the browser
    seals them), so that its results page shows something; its end survey is still ahead."""
    from memberclient.surveys import answer_survey
    from workspace.surveys import queries as surveys
    from workspace.surveys import sending

    today = clock.now().date()
    conn = db.open_for_app(app)
    made = []
    try:
        with app.test_request_context(base_url=base), db.transaction(conn):
            programme_id = programmes.create_programme(
                conn,
                organiser.user_id or "",
                "Demo: follow-up surveys",
                "en",
                (
                    today - timedelta(days=100),
                    today - timedelta(days=10),
                    today + timedelta(days=80),
                ),
            )
            _demo_privacy(conn, programme_id, "organiser@demo.pairbook.test")
            programme = pairs.programme(conn, programme_id)
            for n in range(1, 5):
                made.append(
                    programmes.form_pair(
                        conn,
                        programme,
                        f"survey-mentor{n}@demo.pairbook.test",
                        f"survey-mentee{n}@demo.pairbook.test",
                    )
                )
            surveys.ensure_surveys(conn, programme)
    finally:
        conn.close()
    members = []
    for n, (_pair, tokens) in enumerate(made, start=1):
        for role in ("mentor", "mentee"):
            member = Client.for_app(app)
            member.register(f"/join/{tokens[role]}", _passphrase(), f"{role.title()} {n}")
            members.append(member)
    conn = db.open_for_app(app)
    try:
        with app.test_request_context(base_url=base), db.transaction(conn):
            survey = surveys.surveys_of(conn, programme_id)["midpoint"]
            sending.send_survey(conn, pairs.programme(conn, programme_id), survey)
    finally:
        conn.close()
    feelings = [5, 4, 4, 3, 5, 4]
    themes = [["o1", "o2"], ["o1", "o3"], ["o2", "o3", "o4"], ["o1"], ["o1", "o2", "o3"], ["o5"]]
    meetings = ["o3", "o3", "o2", "o3", "o4", "o3"]
    texts = [
        "We agreed on three goals and two are well on their way.",
        "My CV is done; next we practise interviews.",
        "We have met less often than planned, but every meeting helped.",
        "Networking: I went to my first professional meet-up.",
        "Clear goals from the agreement made it easy to keep going.",
        "Learning the unwritten rules of meetings at work.",
    ]
    for i, member in enumerate(members[:6]):
        answer_survey(
            member,
            survey["id"],
            {
                "q1": feelings[i],
                "q2": texts[i],
                "q3": min(5, feelings[i]),
                "q4": themes[i],
                "q5": meetings[i],
                "q6": "More shared events, please." if i % 2 else "Thank you for the support.",
            },
            sign=i == 0,
        )


def _languages(app: Flask, organiser: Client, org_email: str, base: str) -> list[dict[str, str]]:
    """A Swedish programme and a plain-Finnish one, each with a pair invited: their invitation
    mails (in instance/outbox/) and join pages are in the programme's language. Returns the
    invitation paths."""
    today = clock.now().date()
    out = []
    conn = db.open_for_app(app)
    try:
        with app.test_request_context(base_url=base), db.transaction(conn):
            for language, name, who in (
                ("sv", "Demo: mentorskap på svenska", "sv"),
                ("fi@selko", "Demo: mentorointi selkosuomeksi", "selko"),
            ):
                programme_id = programmes.create_programme(
                    conn,
                    organiser.user_id or "",
                    name,
                    language,
                    (today, today + timedelta(days=90), today + timedelta(days=180)),
                )
                _demo_privacy(conn, programme_id, org_email)
                programme = pairs.programme(conn, programme_id)
                pair, tokens = programmes.form_pair(
                    conn,
                    programme,
                    f"mentor-{who}@demo.pairbook.test",
                    f"mentee-{who}@demo.pairbook.test",
                )
                for role in ("mentor", "mentee"):
                    out.append(
                        {
                            "label": f"{pair['code']} {role} ({language})",
                            "path": f"/join/{tokens[role]}",
                        }
                    )
    finally:
        conn.close()
    return out
