"""The organiser's side: programmes, pairs and invitations, the follow-up dashboard, flags, the
funder report, the audit log, ending pairs and removing members, privacy settings."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """This area's routes, for create_app."""
    from workspace.organiser import bulk_pages, followup, pages, privacy, removal
    from workspace.organiser.continuity import bp as continuity

    return [pages.bp, followup.bp, removal.bp, privacy.bp, continuity, bulk_pages.bp]
