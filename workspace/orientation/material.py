"""What a programme adds to the general orientation, as its members and its organiser see it:
how the orientation is held, the upcoming orientation sessions for the reader's role, the
organiser's own text and links; and who has ticked it, pair by pair."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from workspace.communication import queries as communication
from workspace.core import clock, db
from workspace.organiser import queries as organiser
from workspace.orientation import queries

ROLES = ("mentor", "mentee")
# Which events' audiences a role is invited to.
_AUDIENCES = {"mentor": ("all", "mentors"), "mentee": ("all", "mentees")}


def mode_sentence(mode: str | None) -> str:
    """How the orientation is held, said to a member; "" while the organiser has not said."""
    if mode is None:
        return ""
    return {
        "joint": _("The orientation is held jointly: mentors and mentees together."),
        "separate": _("Mentors and mentees have their own orientation sessions, apart."),
        "self_study": _(
            "This programme's orientation is self-study: go through this page on your own, "
            "at your own pace."
        ),
    }[mode]


def mode_label(mode: str | None) -> str:
    """The mode in a few words, for the organiser."""
    return {
        "joint": _("Joint"),
        "separate": _("Separate"),
        "self_study": _("Self-study"),
        None: _("Not decided yet"),
    }[mode]


def upcoming_sessions(conn: db.Connection, programme_id: str, role: str) -> list[Any]:
    """The programme's orientation events still ahead and not cancelled, for this role."""
    now = clock.iso()
    return [
        e
        for e in communication.events_of(conn, programme_id)
        if e["kind"] == "orientation"
        and not e["cancelled_at"]
        and e["starts_at"] > now
        and e["audience"] in _AUDIENCES[role]
    ]


def for_member(conn: db.Connection, programme_id: str, role: str) -> dict[str, Any]:
    """The programme's part of a member's orientation page."""
    material = queries.material(conn, programme_id)
    return {
        **material,
        "mode_sentence": mode_sentence(material["mode"]),
        "sessions": upcoming_sessions(conn, programme_id, role),
    }


def ticks(conn: db.Connection, programme_id: str) -> list[dict[str, Any]]:
    """Each current member of the programme's pairs (by pair code and role) and whether they
    ticked the orientation; pairs that ended are left out."""
    done = queries.done_members(conn, programme_id)
    rows = []
    for pair in organiser.pairs_in(conn, programme_id, by_code=True):
        if pair["ended_at"]:
            continue
        present = organiser.present_members(conn, pair["id"])
        for role in ROLES:
            member = present.get(role)
            if member is None or member["removed_at"]:
                continue
            rows.append({"code": pair["code"], "role": role, "done": member["user_id"] in done})
    return rows
