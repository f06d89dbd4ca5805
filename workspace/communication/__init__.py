"""Programme communication: events with calendar invitations, answers without sign-in,
reminders and attendance; the message plan for every stage of a programme; member
notifications that carry no content (badges and a daily digest); consent to share an email
address with the programme's group."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """This area's routes, for create_app."""
    from workspace.communication import member_pages, organiser_events, organiser_plan

    return [member_pages.bp, organiser_events.bp, organiser_plan.bp]
