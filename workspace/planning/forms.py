"""The planning checklist's forms: one small form per item, its structured answers as real
fields (programme settings where one exists). Notes are not here: they are sealed in the
browser and never posted with a form (static/js/planning/notes.js)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from workspace.core.forms import DateField, IntegerField, SelectField, number_between, required
from workspace.organiser.programmes import LANGUAGES
from workspace.recruitment.calls import MODES

LANGUAGE_NAMES: dict[str, Any] = {
    "fi": _l("Finnish"),
    "fi-selko": _l("Plain Finnish"),
    "en": _l("English"),
    "sv": _l("Swedish"),
}
RHYTHMS: dict[str, Any] = {
    "weekly": _l("Every week"),
    "fortnightly": _l("Every two weeks"),
    "monthly": _l("Once a month"),
    "own": _l("Each pair agrees its own rhythm"),
}
ORIENTATION_MODES: dict[str, Any] = {
    "joint": _l("Joint: mentors and mentees together"),
    "separate": _l("Separate sessions for mentors and for mentees"),
    "self_study": _l("Self-study with written material"),
}
CLOSINGS: dict[str, Any] = {
    "joint_event": _l("A joint closing event"),
    "each_pair": _l("Each pair closes on its own"),
    "both": _l("Both: each pair closes, then a joint event"),
}
# The end survey may go a little after the last day; the long-term one goes well after it.
END_SURVEY_GRACE = timedelta(days=90)


def _choices(options: dict[str, Any]) -> list[SelectChoice]:
    return [
        SelectChoice("", _l("Not decided yet")),
        *(SelectChoice(k, v) for k, v in options.items()),
    ]


def _day(value: date) -> str:
    return format_date(value, "medium")


class ItemForm(FlaskForm):
    """What every item has: whether the organiser counts it as done."""

    done = BooleanField(_l("This item is done"))

    def __init__(self, programme: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme

    def _dates(self) -> tuple[date, date, date]:
        p = self.programme
        return tuple(date.fromisoformat(p[k]) for k in ("start_date", "mid_date", "end_date"))  # type: ignore[return-value]

    def answers(self) -> dict[str, Any]:
        """The structured answers kept in the checklist (none for a notes-only item)."""
        return {}


class GoalsForm(ItemForm):
    """Goals and target group: the organiser's notes only."""


class ResourcesForm(ItemForm):
    """Who organises, time and budget: the organiser's notes only."""


class StructureForm(ItemForm):
    """Pairs sought, length, rhythm, how pairs meet, and the programme's dates."""

    pairs_sought = IntegerField(
        _l("Number of pairs sought"), validators=[Optional(), number_between(1, 1000)]
    )
    length_months = IntegerField(
        _l("Length in months"), validators=[Optional(), number_between(1, 36)]
    )
    rhythm = SelectField(_l("Meeting rhythm"), choices=_choices(RHYTHMS), default="")
    mode = SelectField(_l("How pairs meet"), choices=_choices(MODES), default="")
    start_date = DateField(_l("Start date"), validators=[required()])
    mid_date = DateField(_l("Mid-point date"), validators=[required()])
    end_date = DateField(_l("End date"), validators=[required()])

    def validate_end_date(self, field: DateField) -> None:
        """The end comes after the start."""
        if self.start_date.data and field.data and field.data <= self.start_date.data:
            raise ValidationError(_("The end date must be after the start date."))

    def validate_mid_date(self, field: DateField) -> None:
        """The mid-point lies inside the programme."""
        start, end = self.start_date.data, self.end_date.data
        if start and end and field.data and not start < field.data < end:
            raise ValidationError(_("The mid-point must be between the start and the end date."))

    def answers(self) -> dict[str, Any]:
        """Counts, rhythm and mode (the dates go to the programme itself)."""
        return {
            "pairs_sought": self.pairs_sought.data,
            "length_months": self.length_months.data,
            "rhythm": self.rhythm.data or None,
            "mode": self.mode.data or None,
        }


class LanguageForm(ItemForm):
    """The programme's language."""

    language = SelectField(
        _l("Language of the programme"),
        choices=[SelectChoice(k, LANGUAGE_NAMES[k]) for k in LANGUAGES],
        validate_choice=False,
    )

    def validate_language(self, field: SelectField) -> None:
        """One of the languages Pairbook runs programmes in."""
        if field.data not in LANGUAGES:
            raise ValidationError(_("Choose one of the languages in the list."))


class ReachForm(ItemForm):
    """When the calls open and close (channels are the organiser's notes)."""

    opens_on = DateField(_l("Calls open on"), validators=[Optional()])
    closes_on = DateField(_l("Applications close on"), validators=[Optional()])

    def validate_closes_on(self, field: DateField) -> None:
        """Applications close after the calls open and before the programme starts."""
        if not field.data:
            return
        if self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_("Applications can close only after the calls open."))
        if field.data >= self._dates()[0]:
            raise ValidationError(
                _(
                    "Applications must close before the programme starts (%(date)s).",
                    date=_day(self._dates()[0]),
                )
            )

    def answers(self) -> dict[str, Any]:
        """The planned dates, as ISO text."""
        return {
            "opens_on": _iso(self.opens_on.data),
            "closes_on": _iso(self.closes_on.data),
        }


class OrientationForm(ItemForm):
    """Joint, separate or self-study orientation, and when."""

    mode = SelectField(
        _l("How orientation is done"), choices=_choices(ORIENTATION_MODES), default=""
    )
    held_on = DateField(_l("Orientation date"), validators=[Optional()])

    def validate_held_on(self, field: DateField) -> None:
        """Orientation is at the start: by the mid-point at the latest."""
        mid = self._dates()[1]
        if field.data and field.data > mid:
            raise ValidationError(
                _("Orientation must be by the mid-point (%(date)s).", date=_day(mid))
            )

    def answers(self) -> dict[str, Any]:
        """The mode and the planned date."""
        return {"mode": self.mode.data or None, "held_on": _iso(self.held_on.data)}


class FollowupForm(ItemForm):
    """When the mid-point, end and long-term surveys go (empty: no survey)."""

    midpoint_on = DateField(_l("Mid-point survey"), validators=[Optional()])
    end_on = DateField(_l("End survey"), validators=[Optional()])
    longterm_on = DateField(_l("Long-term follow-up survey"), validators=[Optional()])

    def validate_midpoint_on(self, field: DateField) -> None:
        """Inside the programme."""
        start, _mid, end = self._dates()
        if field.data and not start < field.data < end:
            raise ValidationError(
                _(
                    "The mid-point survey must go between the start (%(start)s) and the end "
                    "(%(end)s).",
                    start=_day(start),
                    end=_day(end),
                )
            )

    def validate_end_on(self, field: DateField) -> None:
        """After the mid-point, at most three months after the end."""
        _start, mid, end = self._dates()
        if field.data and not mid < field.data <= end + END_SURVEY_GRACE:
            raise ValidationError(
                _(
                    "The end survey must go after the mid-point (%(mid)s) and at most three "
                    "months after the end (%(end)s).",
                    mid=_day(mid),
                    end=_day(end),
                )
            )
        if field.data and self.midpoint_on.data and field.data <= self.midpoint_on.data:
            raise ValidationError(_("The end survey must go after the mid-point survey."))

    def validate_longterm_on(self, field: DateField) -> None:
        """After the programme has ended."""
        end = self._dates()[2]
        if field.data and field.data <= end:
            raise ValidationError(
                _(
                    "The long-term follow-up must go after the programme ends (%(date)s).",
                    date=_day(end),
                )
            )

    def answers(self) -> dict[str, Any]:
        """Each survey's date, as ISO text."""
        return {
            "midpoint_on": _iso(self.midpoint_on.data),
            "end_on": _iso(self.end_on.data),
            "longterm_on": _iso(self.longterm_on.data),
        }


class EndingForm(ItemForm):
    """How the programme ends."""

    closing = SelectField(_l("How the programme ends"), choices=_choices(CLOSINGS), default="")
    certificate = BooleanField(_l("Participants get a certificate"))

    def answers(self) -> dict[str, Any]:
        """The way of closing and whether there is a certificate."""
        return {"closing": self.closing.data or None, "certificate": bool(self.certificate.data)}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def pairs_by_message(pairs_by: date) -> str:
    """A call says pairs are formed by a day before this closing date."""
    return _(
        "A call says pairs are formed by %(date)s: applications must close by then. Change "
        "that date in the call first.",
        date=_day(pairs_by),
    )
