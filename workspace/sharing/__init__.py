"""Consent to share status signals with the organiser, and the signals computed from it."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """This area's routes, for create_app."""
    from workspace.sharing import pages

    return [pages.bp]
