"""An SMTP server of the test's own (aiosmtpd on a free loopback port) that misbehaves on cue:
refuses the first N recipients with 451, or stalls on DATA until the test lets it go.

Only a message the server answered 250 to counts as delivered, as with a real mail server; a
client that disconnects while the server stalls delivers nothing (aiosmtpd cancels the handler).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.fixtures.processes import free_port


class FlakyHandler:
    def __init__(self, refuse_first: int = 0, stall_first: int = 0) -> None:
        self.refuse_left = refuse_first
        self.stall_left = stall_first
        self.refused = 0
        self.delivered: list[EmailMessage] = []
        self.stalling = threading.Event()  # set while a DATA is held
        self.release = threading.Event()  # set by the test to let held DATAs finish
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook name)
        with self._lock:
            if self.refuse_left > 0:
                self.refuse_left -= 1
                self.refused += 1
                return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self._lock:
            stall = self.stall_left > 0
            self.stall_left -= int(stall)
        if stall:
            self.stalling.set()
            # A client killed meanwhile closes the connection: aiosmtpd cancels this coroutine and
            # the message is never accepted.
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        with self._lock:
            self.delivered.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 2.0.0 Message accepted for delivery"


@contextmanager
def smtp_server(handler: FlakyHandler) -> Iterator[int]:
    """Run `handler` on a free port; yields the port."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        handler.release.set()
        controller.stop()
