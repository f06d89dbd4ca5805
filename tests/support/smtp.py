"""A real SMTP server (aiosmtpd) on loopback for the mail tests, and a free loopback port."""

from __future__ import annotations

import email
import email.policy
import socket
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from flask import Flask

from workspace import create_app


def free_port() -> int:
    """A loopback port nobody listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def plain_text(message: EmailMessage) -> str:
    """`To:`, `Subject:` and the plain body of a message, as `helpers.outbox_texts` gives them."""
    body = message.get_body(preferencelist=("plain",))
    content = body.get_content() if body is not None else ""
    return f"To: {message['To']}\nSubject: {message['Subject']}\n\n{content}"


class SmtpReceiver:
    """Keeps every message it receives; use it as a context manager (started inside)."""

    def __init__(self, port: int | None = None) -> None:
        from aiosmtpd.controller import Controller

        self.port = port if port is not None else free_port()
        self.raw: list[bytes] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802
                outer.raw.append(envelope.content)
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpReceiver:
        self.controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[EmailMessage]:
        """What arrived so far, parsed."""
        return [
            email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[misc]
            for raw in self.raw
        ]

    def take(self) -> list[EmailMessage]:
        """What arrived since the last take, parsed."""
        got = self.received
        self.raw = []
        return got

    def sender(self, instance: Path, **config: object) -> Flask:
        """An app on the same instance that sends over SMTP to this server."""
        return create_app(
            {
                "TESTING": True,
                "INSTANCE": instance,
                "MAIL_SMTP_HOST": "127.0.0.1",
                "MAIL_SMTP_PORT": self.port,
                **config,
            }
        )
