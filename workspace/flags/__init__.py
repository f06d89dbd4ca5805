"""Problem reports (flags): a member tells the organisers; sealed messages both ways."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """This area's routes, for create_app."""
    from workspace.flags import api, pages

    return [pages.bp, api.bp]
