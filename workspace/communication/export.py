"""What communication holds about a person, for their data export (rights)."""

from __future__ import annotations

from typing import Any

from workspace.communication import notify_queries, plan_queries, queries
from workspace.core import db

# Columns about a person that the export leaves out, and why (merged into rights' list).
NOT_EXPORTED: dict[str, dict[str, str]] = {
    "rsvp_links": {"token_hash": "the hash of an emailed answer link: a secret that opens it"},
}


def server_data(conn: db.Connection, user_id: str) -> dict[str, Any]:
    """Events I was invited to (my answers), my answer links (without their secret), the
    programme messages sent to me (which and when), what waited for me, my switches and mail
    language, my group-email decisions; as an organiser, the events I created and the messages
    I sent."""
    return {
        "event_invitations": [dict(r) for r in queries.invitations_of(conn, user_id)],
        "rsvp_links": [dict(r) for r in queries.rsvp_links_of(conn, user_id)],
        "events_created": [dict(r) for r in queries.created_by(conn, user_id)],
        "messages_received": plan_queries.sends_to(conn, user_id),
        "messages_sent": plan_queries.sends_by(conn, user_id),
        **{
            table: notify_queries.export_rows(conn, table, user_id)
            for table in (
                "notifications",
                "notification_settings",
                "mail_preferences",
                "group_consents",
            )
        },
    }
