"""The unsubscribe link of a member notification or programme message: signed with the app's
secret (nothing stored), naming only the member and the kind of mail it stops."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from workspace.accounts.queries import base_url

_SALT = "pairbook.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_url(user_id: str, kind: str) -> str:
    """The link that switches `kind` off for the member (`all`: every notification)."""
    return f"{base_url()}/unsubscribe/{_serializer().dumps([user_id, kind])}"


def read_unsubscribe(token: str) -> tuple[str, str] | None:
    """The member and kind a genuine link names; None for anything else."""
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(value, list) or len(value) != 2 or not all(isinstance(v, str) for v in value):
        return None
    return value[0], value[1]
