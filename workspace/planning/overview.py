"""The programme overview: what is done and what is next across the whole programme, from
metadata only (the checklist's states, the privacy notice, the calls' states and counts of
applications, pairs, accepted invitations and orientation events; the follow-up dates). Nothing
here opens or needs any sealed content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from workspace.core import clock, db
from workspace.planning import checklist, queries


@dataclass(frozen=True)
class Step:
    """One line of the overview: done or not, what it says, where to act on it."""

    key: str
    title: str
    detail: str
    done: bool
    url: str
    action: str


def _day(value: str) -> str:
    return format_date(date.fromisoformat(value), "medium")


def steps(conn: db.Connection, programme: Any) -> list[Step]:
    """The programme's steps in the order the organiser guide takes them."""
    pid = programme["id"]
    now = clock.iso()
    today = clock.now().date().isoformat()
    n = queries.counts(conn, pid, now)
    plan = checklist.progress(conn, pid)
    privacy = bool(
        (programme["controller"] or "").strip() and (programme["privacy_contact"] or "").strip()
    )
    out = [
        Step(
            "planning",
            _("Planning checklist"),
            _(
                "%(done)s of %(total)s items done, %(answered)s answered.",
                done=plan["done"],
                total=plan["total"],
                answered=plan["answered"],
            ),
            plan["done"] == plan["total"],
            url_for("planning.checklist_page", programme_id=pid) + _first_open(plan),
            _("Continue the planning checklist"),
        ),
        Step(
            "privacy",
            _("Privacy notice"),
            _("Filled in.") if privacy else _("Who runs the programme and whom to contact."),
            privacy,
            url_for("organiser_privacy.privacy_settings", programme_id=pid),
            _("Fill in the privacy notice"),
        ),
        Step(
            "calls",
            _("Calls for mentors and mentees"),
            ngettext("%(num)s call opened.", "%(num)s calls opened.", n["calls_opened"]),
            n["calls_opened"] > 0,
            url_for("recruitment_editor.overview", programme_id=pid),
            _("Open the calls"),
        ),
        Step(
            "applications",
            _("Applications"),
            ngettext(
                "%(num)s application received.",
                "%(num)s applications received.",
                n["applications"],
            ),
            n["applications"] > 0,
            url_for("applicants.applicant_list", programme_id=pid),
            _("Share the calls and wait for applications"),
        ),
        Step(
            "pairs",
            _("Pairs"),
            ngettext("%(num)s pair formed.", "%(num)s pairs formed.", n["pairs"]),
            n["pairs"] > 0,
            url_for("matching.matching_page", programme_id=pid),
            _("Form the pairs"),
        ),
        Step(
            "invitations",
            _("Invitations"),
            _(
                "%(accepted)s of %(members)s members have accepted.",
                accepted=n["accepted"],
                members=n["members"],
            ),
            n["members"] > 0 and n["accepted"] == n["members"],
            url_for("organiser.programme", programme_id=pid) + "#pairs",
            _("See who has not accepted the invitation yet"),
        ),
        Step(
            "orientation",
            _("Orientation"),
            _("Held.")
            if n["orientation_held"]
            else (_("Planned.") if n["orientation_planned"] else _("No orientation event yet.")),
            n["orientation_held"] > 0,
            url_for("comm_events.event_list", programme_id=pid),
            _("Plan the orientation event")
            if not n["orientation_planned"]
            else _("See the orientation event"),
        ),
    ]
    for key, title, day in (
        ("midpoint", _("Mid-point follow-up"), programme["mid_date"]),
        ("end", _("End follow-up"), programme["end_date"]),
    ):
        passed = day <= today
        out.append(
            Step(
                key,
                title,
                _("Was due %(date)s.", date=_day(day))
                if passed
                else _("Due %(date)s.", date=_day(day)),
                passed,
                url_for("planning.checklist_page", programme_id=pid) + "#item-followup",
                _("Plan the follow-up"),
            )
        )
    return out


def _first_open(plan: dict[str, Any]) -> str:
    """The anchor of the first item not done yet (none when all are)."""
    key = next((k for k, state in plan["states"].items() if state != "done"), None)
    return f"#item-{key}" if key else ""


def next_step(all_steps: list[Step]) -> Step | None:
    """The first step not done yet (None when every one is)."""
    return next((s for s in all_steps if not s.done), None)


def context(conn: db.Connection, programme: Any) -> dict[str, Any]:
    """What `templates/planning/_overview.html` needs (the programme page includes it too)."""
    all_steps = steps(conn, programme)
    return {"overview_steps": all_steps, "overview_next": next_step(all_steps)}
