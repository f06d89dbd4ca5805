"""Matching: forming pairs from a programme's applications. Scores, suggestions and the optimal
assignment are computed on the organiser's device from the decrypted applications
(static/js/matching/); the server keeps only the organiser's criteria (weights, never answers)
and, in one step, creates the chosen pairs with their invitations and mails."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """This area's routes, for create_app."""
    from workspace.matching import api, pages

    return [api.bp, pages.bp]
