"""The organiser's form for a programme's orientation: how it is held, their own text and up
to five links, each a title and a web address (https:// or http:// only)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from workspace.core.forms import RadioField, at_most
from workspace.orientation.queries import MAX_LINKS

MODE_CHOICES = [
    SelectChoice("joint", _l("Joint: mentors and mentees together")),
    SelectChoice("separate", _l("Separate: mentors and mentees apart")),
    SelectChoice("self_study", _l("Self-study: each participant reads the material alone")),
    SelectChoice("", _l("Not decided yet")),
]
LINK_ROWS = range(1, MAX_LINKS + 1)


def web_address_problem(value: str) -> str | None:
    """Why `value` is not a whole http(s) web address, or None when it is one."""
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return _("Write a whole web address that starts with https:// or http://.")
    if any(c.isspace() or ord(c) < 32 for c in value):
        return _("A web address cannot contain spaces.")
    return None


class MaterialForm(FlaskForm):
    """Mode, text and link rows (link_title_N, link_url_N for N in LINK_ROWS)."""

    mode = RadioField(_l("How the orientation is held"), choices=MODE_CHOICES, default="")
    text = TextAreaField(
        _l("Your own material for this programme (optional)"),
        validators=[Optional(), at_most(6000)],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields' own checks, then each link row: a title and an address go together."""
        ok = super().validate(extra_validators)
        for n in LINK_ROWS:
            title, url = self[f"link_title_{n}"], self[f"link_url_{n}"]
            title_text, url_text = (title.data or "").strip(), (url.data or "").strip()
            if url_text and not title_text:
                title.errors = [*title.errors, _("Give the link a title.")]
                ok = False
            if title_text and not url_text:
                url.errors = [*url.errors, _("Write the link's web address.")]
                ok = False
            if url_text:
                problem = web_address_problem(url_text)
                if problem:
                    url.errors = [*url.errors, problem]
                    ok = False
        return ok

    def links(self) -> list[tuple[str, str]]:
        """The filled-in link rows, in order (after validation)."""
        out = []
        for n in LINK_ROWS:
            title = (self[f"link_title_{n}"].data or "").strip()
            url = (self[f"link_url_{n}"].data or "").strip()
            if title and url:
                out.append((title, url))
        return out

    @classmethod
    def of(cls, material: dict[str, Any]) -> MaterialForm:
        """The form filled in from the stored material."""
        data: dict[str, Any] = {"mode": material["mode"] or "", "text": material["text"]}
        for n, link in enumerate(material["links"], start=1):
            data[f"link_title_{n}"] = link["title"]
            data[f"link_url_{n}"] = link["url"]
        return cls(data=data)


for _n in LINK_ROWS:
    setattr(
        MaterialForm,
        f"link_title_{_n}",
        StringField(_l("Title of link %(n)s", n=_n), validators=[Optional(), at_most(200)]),
    )
    setattr(
        MaterialForm,
        f"link_url_{_n}",
        StringField(_l("Web address of link %(n)s", n=_n), validators=[Optional(), at_most(500)]),
    )
