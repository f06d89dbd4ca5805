"""The communication that falls due by the clock, run by the mail sender before each delivery
pass (`pairbook serve`) and by `pairbook send-mail`: invitations to upcoming events for people
added since, event reminders, the message plan's scheduled stages, the nudges computed from
metadata and the daily digests. Each runs in its own transactions, so a second run finds nothing
left to do."""

from __future__ import annotations

from flask import Flask

from workspace.accounts.queries import DEV_URL
from workspace.communication import events, notifications, plan
from workspace.core import db, logs


def run_due(app: Flask, conn: db.Connection) -> None:
    """Queue everything due now (never inside a request)."""
    base = app.config.get("BASE_URL") or DEV_URL
    with app.test_request_context(base_url=base):
        counts = {
            "invitations": events.invite_newcomers(conn),
            "reminders": events.send_reminders(conn),
            "plan": plan.send_due(conn),
            "nudges": notifications.nudge(conn),
            "digests": notifications.send_digests(conn),
        }
    if any(counts.values()):
        logs.event("communication.due", **counts)
