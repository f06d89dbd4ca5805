"""An event as an RFC 5545 invitation (icalendar): METHOD:REQUEST with a stable UID, so that a
changed event (same UID, higher SEQUENCE) or a cancelled one (METHOD:CANCEL) updates the entry
already in the attendee's calendar. Times are in Europe/Helsinki."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from workspace.core import clock

HELSINKI = ZoneInfo("Europe/Helsinki")
PRODID = "-//Pairbook//Programme events//EN"


def uid(event: Any) -> str:
    """The event's UID: the same in every invitation, update and cancellation."""
    return f"{event['id']}@pairbook.invalid"


def local_start(event: Any) -> Any:
    """The start in Helsinki time."""
    return clock.parse(event["starts_at"]).astimezone(HELSINKI)


def invitation(
    event: Any,
    *,
    method: str,
    organiser_name: str,
    organiser_email: str,
    attendee_email: str,
    attendee_name: str = "",
    description: str = "",
) -> bytes:
    """The .ics for one attendee: `method` is "REQUEST" (new or changed) or "CANCEL"."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    item = icalendar.Event()
    item.add("uid", uid(event))
    item.add("sequence", int(event["sequence"]))
    item.add("dtstamp", clock.now())
    start = local_start(event)
    item.add("dtstart", start)
    item.add("dtend", start + timedelta(minutes=int(event["minutes"])))
    item.add("summary", event["title"])
    if description:
        item.add("description", description)
    where = event["place"] or event["online_url"]
    if where:
        item.add("location", where)
    if event["online_url"]:
        item.add("url", event["online_url"])
    item.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = icalendar.vCalAddress(f"mailto:{organiser_email}")
    if organiser_name:
        organizer.params["cn"] = icalendar.vText(organiser_name)
    item.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{attendee_email}")
    if attendee_name:
        attendee.params["cn"] = icalendar.vText(attendee_name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
    # Answers come through the link in the mail (no sign-in), not as calendar replies.
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    item.add("attendee", attendee)
    cal.add_component(item)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
