"""Orientation: the in-app orientation for mentors and for mentees (public, and each member's
own with their programme's part), printable versions and blank agreement and evaluation forms;
the organiser's material per programme (how the orientation is held, a text, links) and each
member's tick "I have gone through the orientation"."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """This area's routes, for create_app."""
    from workspace.orientation import organiser_pages, pages

    return [pages.bp, organiser_pages.bp]
