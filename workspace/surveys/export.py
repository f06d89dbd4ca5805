"""A person's survey rows for their data export: which surveys they were sent (and whether
reminded), which they answered, their answer links without the secret. Their sealed answers
are not among them: nothing on the server says which answer is theirs (by design)."""

from __future__ import annotations

from typing import Any

from workspace.core import db
from workspace.surveys import queries

NOT_EXPORTED = {
    "survey_links": {"token_hash": "the hash of an emailed answer link: a secret that opens it"},
}


def server_data(conn: db.Connection, user_id: str) -> dict[str, Any]:
    """The person's rows of `survey_sends`, `survey_responses` and `survey_links`."""
    return queries.member_rows(conn, user_id)
