"""Recruitment: a programme's public calls for mentors and mentees, application forms whose
answers are sealed in the applicant's browser to the organisers, the acknowledgement and the
applicant's status page, and the retention of applications that did not lead to a pair."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """This area's routes, for create_app."""
    from workspace.recruitment import (
        api,
        applicants_api,
        applicants_pages,
        editor,
        organiser_api,
        pages,
    )

    return [pages.bp, editor.bp, api.bp, organiser_api.bp, applicants_api.bp, applicants_pages.bp]
