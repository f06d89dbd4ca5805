"""The pair notebook: sealed entries, signed confirmations and the phase."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """This area's routes, for create_app."""
    from workspace.notebook import api, pages

    return [pages.bp, api.bp]
