"""What a small programme's funder report can still say (issue 18, finding 4).

Under 10 pairs every count table of the report hides every cell (`report.suppress`), so the
report adds two things that cannot single a pair out:

- **Programme facts**, about the programme and not about any pair: how long it has run, the
  events held (of those planned), and whether the mid-point and the closing follow-ups took place.
  They come from the programme's dates and events, never from a pair's notebook or signals, so
  every cohort of the same programme gets the same facts whatever its pairs did.
- **Coarse bands** for 5–9 pairs (`BAND_PAIRS`): for the phase and the meeting table's two groups,
  only whether "half or more" or "fewer than half" of all the programme's pairs fall in the first
  group. With 5 or more pairs each band admits at least three counts, none of them naming every
  pair, so even a member who knows their own pair cannot tell what any other pair did
  (tests/test_report_small.py checks every cohort of 1–9 pairs and every split). Under 5 pairs no
  band is given: one band would then name a single pair's group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workspace.communication import queries as events
from workspace.core import clock, db
from workspace.organiser import report
from workspace.pairs import queries as pairs

BAND_PAIRS = range(report.THRESHOLD, 2 * report.THRESHOLD)
HALF_OR_MORE = "half_or_more"
UNDER_HALF = "under_half"
BAND_WORDS: dict[str, Any] = {
    HALF_OR_MORE: _l("half or more of the pairs"),
    UNDER_HALF: _l("fewer than half of the pairs"),
}
# Each band's statement is about the first of the table's two groups (`report.GROUPS`).
BAND_TITLES: dict[str, Any] = {
    "phase": _l("Working, closing or completed"),
    "meetings": _l("Met 3 times or more, and share their meetings"),
}


HEADINGS: dict[str, Any] = {
    "facts": _l("About the programme"),
    "bands": _l("In broad terms"),
}


@dataclass(frozen=True)
class Fact:
    """One sentence about the programme: its label and value, as the report shows them."""

    label: str
    value: str


def band(first: int, pairs_n: int) -> str | None:
    """The band of `first` pairs out of `pairs_n`, or None when no band may be given."""
    if pairs_n not in BAND_PAIRS:
        return None
    return HALF_OR_MORE if 2 * first >= pairs_n else UNDER_HALF


def publish_bands(counts: dict[str, int], table: str) -> str | None:
    """The band published for `table` ("phase" or "meetings") from its cells' counts."""
    _title, groups = report.GROUPS[table]
    first = sum(counts[k] for k in groups[0][1])
    return band(first, sum(counts.values()))


def bands(phases: dict[str, int], buckets: dict[str, int]) -> list[Fact]:
    """The bands of a 5–9 pair programme, worded; none for any other size."""
    found = []
    for table, counts in (("phase", phases), ("meetings", buckets)):
        value = publish_bands(counts, table)
        if value is not None:
            found.append(Fact(str(BAND_TITLES[table]), str(BAND_WORDS[value])))
    return found


def _day(value: str) -> date:
    return date.fromisoformat(value[:10])


def _months(start: date, end: date) -> int:
    """Whole months from `start` to `end` (the 15th to the 14th is not yet one)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(0, months - (end.day < start.day))


def _run(programme: Any, today: date) -> Fact:
    start, end = _day(programme["start_date"]), _day(programme["end_date"])
    label = _("How long it has run")
    if today < start:
        return Fact(label, _("It starts on %(date)s.", date=format_date(start, "long")))
    until = min(today, end)
    months = _months(start, until)
    count = ngettext("%(num)d month", "%(num)d months", months) if months else _("under a month")
    if today > end:
        return Fact(
            label,
            _(
                "%(count)s, from %(start)s to %(end)s.",
                count=count,
                start=format_date(start, "long"),
                end=format_date(end, "long"),
            ),
        )
    return Fact(
        label, _("%(count)s, since %(start)s.", count=count, start=format_date(start, "long"))
    )


def _follow_up(rows: list[Any], kind: str, planned: str, now: datetime) -> str:
    """Whether the programme's follow-up event of `kind` took place, from its events."""
    live = [r for r in rows if r["kind"] == kind and r["cancelled_at"] is None]
    held = [r for r in live if clock.parse(r["starts_at"]) <= now]
    if held:
        return _("Held on %(date)s.", date=format_date(_day(held[-1]["starts_at"]), "long"))
    if live:
        return _("Planned for %(date)s.", date=format_date(_day(live[0]["starts_at"]), "long"))
    if now.date() > _day(planned):
        return _(
            "Not held (the programme's date was %(date)s).", date=format_date(_day(planned), "long")
        )
    return _(
        "Not arranged yet (the programme's date is %(date)s).",
        date=format_date(_day(planned), "long"),
    )


def facts(conn: db.Connection, programme_id: str) -> list[Fact]:
    """Facts about the programme itself, the same whatever its pairs did: how long it has run,
    events held, and whether the mid-point and closing follow-ups took place."""
    programme = pairs.programme(conn, programme_id)
    if programme is None:
        return []
    now = clock.now()
    rows = events.events_of(conn, programme_id)
    live = [r for r in rows if r["cancelled_at"] is None]
    held = sum(1 for r in live if clock.parse(r["starts_at"]) <= now)
    return [
        _run(programme, now.date()),
        Fact(_("Events held"), _("%(held)s of %(planned)s planned", held=held, planned=len(live))),
        Fact(_("Mid-point follow-up"), _follow_up(rows, "midpoint", programme["mid_date"], now)),
        Fact(_("Closing follow-up"), _follow_up(rows, "closing", programme["end_date"], now)),
    ]


def summary(conn: db.Connection, programme_id: str, data: dict[str, Any]) -> dict[str, list[Fact]]:
    """What the report adds to its tables (`data`, from `report.programme_report`): the facts
    always, and the bands for a programme of 5–9 pairs."""
    found = {"facts": facts(conn, programme_id)}
    if data["pairs"] in BAND_PAIRS:
        found["bands"] = bands(*data["counts"])
    return found
