"""Which msgids plain Finnish must cover: every msgid with at least one reference outside the
organiser-only files below (member-, applicant- and public-facing strings). Organiser-only pages
may stay in standard Finnish: the plain catalogue falls back to it (core.i18n.FallbackDomain)."""

from __future__ import annotations

from collections.abc import Iterable

ORGANISER_ONLY = (
    "workspace/organiser/",
    "templates/organiser/",
    "workspace/matching/",
    "templates/matching/",
    "workspace/recruitment/editor.py",
    "workspace/recruitment/applicants",
    "templates/recruitment/_applicant",
    "templates/recruitment/applicant",
    "templates/recruitment/edit_call.html",
    "templates/recruitment/overview.html",
    "templates/recruitment/_call_card.html",
    "templates/recruitment/poster.html",
    "workspace/communication/organiser_",
    "templates/communication/plan.html",
    "templates/communication/template.html",
    "templates/communication/send.html",
    "templates/communication/event.html",
    "templates/communication/_event_form.html",
    "templates/communication/_attendance.html",
    "templates/communication/group.html",
    "workspace/planning/",
    "templates/planning/",
    "workspace/orientation/organiser_pages.py",
    "workspace/orientation/material.py",
    "templates/orientation/organiser.html",
    "workspace/surveys/organiser_pages.py",
    "workspace/surveys/forms.py",
    "templates/surveys/_questions.html",
    "templates/surveys/_survey_card.html",
    "templates/surveys/edit.html",
    "templates/surveys/edit_question.html",
    "templates/surveys/overview.html",
    "templates/surveys/remove_question.html",
    "templates/surveys/results.html",
    "workspace/core/audit.py",
    "workspace/cli.py",
    "workspace/demo.py",
)


def in_scope(locations: Iterable[tuple[str, int]]) -> bool:
    """Whether a msgid found at these (file, line) locations is met by a member or applicant."""
    return any(not f.startswith(ORGANISER_ONLY) for f, _ in locations)
