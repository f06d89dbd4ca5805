"""Follow-up surveys: the mid-point, end and long-term surveys of a programme, ready-written and
editable, sent at their days through the message plan's mail with one reminder, answered in the
app or by a single-use link, the answers sealed in the browser to the organisers and stored
apart from the record of who answered; the results are computed in the organiser's browser."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """This area's routes, for create_app."""
    from workspace.surveys import api, member_pages, organiser_pages

    return [api.bp, member_pages.bp, organiser_pages.bp]
