"""Pairs: members, pairing up, notebook key shares, pins and safety numbers."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """This area's routes, for create_app."""
    from workspace.pairs import api, pages

    return [pages.bp, api.bp]
