"""Pages for everyone: home, language switch, privacy notice and accessibility statement."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """This area's routes, for create_app."""
    from workspace.public import pages

    return [pages.bp]
