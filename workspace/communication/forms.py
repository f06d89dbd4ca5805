"""The forms of communication's pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from workspace.communication import plan
from workspace.communication.ics import HELSINKI
from workspace.core import clock
from workspace.core.forms import (
    DateField,
    IntegerField,
    SelectField,
    TimeField,
    at_most,
    number_between,
    required,
)


class EventForm(FlaskForm):
    """An event of a programme: what, when (Finnish time), where, for whom."""

    kind = SelectField(
        _l("Kind of event"),
        choices=[
            SelectChoice("orientation", _l("Orientation")),
            SelectChoice("midpoint", _l("Mid-point meeting")),
            SelectChoice("closing", _l("Closing event")),
            SelectChoice("other", _l("Other event")),
        ],
    )
    title = StringField(_l("Title"), validators=[required(), at_most(120)])
    day = DateField(_l("Date"), validators=[required()])
    start = TimeField(_l("Start time (Finnish time)"), validators=[required()])
    minutes = IntegerField(
        _l("Length in minutes"), default=90, validators=[required(), number_between(5, 1440)]
    )
    audience = SelectField(
        _l("Who is invited"),
        choices=[
            SelectChoice("all", _l("Mentors and mentees")),
            SelectChoice("mentors", _l("Mentors only")),
            SelectChoice("mentees", _l("Mentees only")),
        ],
    )
    place = StringField(_l("Place (optional)"), validators=[Optional(), at_most(200)])
    online_url = StringField(_l("Online link (optional)"), validators=[Optional(), at_most(500)])
    description = TextAreaField(
        _l("Description (optional)"), validators=[Optional(), at_most(4000)]
    )
    remind_days = IntegerField(
        _l("Send a reminder this many days before (0: no reminder)"),
        default=2,
        validators=[number_between(0, 30)],
    )

    def validate_online_url(self, field: StringField) -> None:
        """Only a web address."""
        if field.data:
            parts = urlsplit(field.data.strip())
            if (
                parts.scheme not in SelectChoice("https", "http")
                or not parts.netloc
                or " " in field.data.strip()
            ):
                raise ValidationError(_("Write a whole web address that starts with https://."))

    def validate_start(self, field: TimeField) -> None:
        """An event cannot be set in the past."""
        moment = self.starts_at()
        if moment is not None and moment <= clock.now():
            raise ValidationError(_("The event must start in the future."))

    def starts_at(self) -> datetime | None:
        """The start as a UTC moment, from the Finnish date and time."""
        if not self.day.data or not self.start.data:
            return None
        local = datetime.combine(self.day.data, self.start.data, tzinfo=HELSINKI)
        return local.astimezone(clock.now().tzinfo)

    def fields(self) -> dict[str, Any]:
        """The event's stored fields."""
        moment = self.starts_at()
        assert moment is not None
        return {
            "kind": self.kind.data,
            "title": self.title.data.strip(),
            "description": (self.description.data or "").strip(),
            "starts_at": clock.iso(moment),
            "minutes": self.minutes.data,
            "place": (self.place.data or "").strip(),
            "online_url": (self.online_url.data or "").strip(),
            "audience": self.audience.data,
            "remind_days": self.remind_days.data or 0,
        }

    @classmethod
    def of(cls, event: Any) -> EventForm:
        """The form filled in from a stored event."""
        local = clock.parse(event["starts_at"]).astimezone(HELSINKI)
        data = dict(event)
        data.update(day=local.date(), start=local.time().replace(tzinfo=None))
        return cls(data=data)


class TemplateForm(FlaskForm):
    """A programme's own wording of one stage in one language."""

    subject = StringField(_l("Subject"), validators=[required(), at_most(200)])
    body = TextAreaField(_l("Message"), validators=[required(), at_most(6000)])

    def validate_subject(self, field: StringField) -> None:
        """Only placeholders the plan fills in."""
        _known(field.data or "")

    def validate_body(self, field: TextAreaField) -> None:
        """Only placeholders the plan fills in."""
        _known(field.data or "")


def _known(text: str) -> None:
    unknown = plan.unknown_placeholders(text)
    if unknown:
        raise ValidationError(
            _(
                "These placeholders are not known: %(names)s. Use only: %(known)s.",
                names=", ".join("{" + n + "}" for n in unknown),
                known=", ".join("{" + n + "}" for n in plan.PLACEHOLDERS),
            )
        )


class ScheduleForm(FlaskForm):
    """The day a stage is sent (empty: not scheduled)."""

    send_on = DateField(_l("Send on"), validators=[Optional()])

    def validate_send_on(self, field: DateField) -> None:
        """Not a day that has passed (it would send at once)."""
        if field.data and field.data.isoformat() < plan.today():
            raise ValidationError(_("Choose today or a later day, or use Send now."))


class SettingsForm(FlaskForm):
    """A member's notification switches and mail language (boxes added per kind)."""

    language = SelectField(
        _l("Language of your email"),
        choices=[
            SelectChoice("", _l("The same as my language (else the programme's)")),
            SelectChoice("fi", "Suomi"),
            SelectChoice("fi@selko", "Selkosuomi"),
            SelectChoice("sv", "Svenska"),
            SelectChoice("en", "English"),
        ],
    )
    agreement_waiting = BooleanField(_l("My partner changed the agreement and waits for me"))
    partner_joined = BooleanField(_l("My partner joined"))
    organiser_reply = BooleanField(_l("The organiser replied to my report"))
    organiser_message = BooleanField(
        _l("Messages from the organiser (welcome, materials, mid-point, closing, thanks)")
    )
    evaluation_due = BooleanField(_l("The mid-point or end is near and the evaluation waits"))
    quiet_pair = BooleanField(_l("No meeting has been logged for a few weeks"))
