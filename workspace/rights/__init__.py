"""Data rights and the data lifecycle: export, erasure, leaving a pair, retention and purge."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """This area's routes, for create_app."""
    from workspace.rights import api, pages

    return [pages.bp, api.bp, api.pair_bp]
