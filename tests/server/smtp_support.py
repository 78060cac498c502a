"""A real SMTP server on 127.0.0.1 for the mail tests (aiosmtpd in a thread of its own):
it keeps every message it receives, and refuses recipients the test names."""

from __future__ import annotations

import contextlib
import email
import email.policy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from support import free_port

LINK = re.compile(r"https?://\S+/r/[A-Za-z0-9_-]{40,}")


@dataclass
class Mailbox:
    """What the server received; ``refuse`` holds addresses it answers 550 to."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    port: int = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received for ``address``."""
        return [m for m in self.messages if address in str(m["To"])]

    def link_in(self, msg: EmailMessage) -> str:
        """The personal link in a message's text."""
        body = msg.get_body(("plain",))
        assert body is not None
        found = LINK.search(body.get_content())
        assert found is not None, body.get_content()
        return found.group(0)


@contextlib.contextmanager
def smtp_server() -> Iterator[Mailbox]:
    """An SMTP server on a free port of 127.0.0.1 until the block ends."""
    box = Mailbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def smtp_settings(box: Mailbox) -> dict[str, Any]:
    """Settings fields that mail through ``box`` (plain SMTP, no login)."""
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": box.port,
        "smtp_starttls": False,
        "smtp_from": "Scorecard <scorecard@example.org>",
        "smtp_timeout": 10.0,
        "public_url": "http://testserver",
    }
