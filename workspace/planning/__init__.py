"""Planning: the organiser guide's planning checklist per programme (goals, resources,
structure, language, reaching participants, orientation, follow-up, the ending), whose answers
fill the programme's settings where one exists; the organisers' free-text notes on it, sealed
in the browser to the programme's organisers; and the programme overview, what is done and
what is next, computed from metadata."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """This area's routes, for create_app."""
    from workspace.planning import api, pages

    return [pages.bp, api.bp]
