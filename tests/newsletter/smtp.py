"""A real SMTP server for the mailing-list tests: aiosmtpd on loopback, collecting what it is
sent, and able to refuse recipients, drop a connection or hold a message on request."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.helpers import free_port

URL = re.compile(r"https?://[^\s<>\"]+")


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return self.envelope_to[0]

    def header(self, name: str) -> str:
        """A header's value unfolded (long ones are folded onto a second line)."""
        return " ".join(str(self.message[name]).split())

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()

    def links(self) -> list[str]:
        return URL.findall(self.text)

    def link(self, fragment: str) -> str:
        return next(url for url in self.links() if fragment in url)


@dataclass
class Collector:
    """The handler: what was accepted, and the faults to play."""

    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered 550
    drop_at: set[int] = field(default_factory=set)  # DATA numbers whose connection is cut
    pause_at: int | None = None  # DATA number held until `resume` is set, then refused
    paused: threading.Event = field(default_factory=threading.Event)
    resume: threading.Event = field(default_factory=threading.Event)
    data_count: int = 0
    session_ids: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_count += 1
            number = self.data_count
            self.session_ids.add(id(session))
        if number in self.drop_at:
            # Cut before answering: the client never hears the message was accepted (it was not).
            server.transport.close()
            return "421 closing"
        if number == self.pause_at:
            self.paused.set()
            while not self.resume.is_set():
                await asyncio.sleep(0.01)
            # Never acknowledged to the client (killed meanwhile): not accepted.
            return "451 4.3.0 Try again later"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(Received(list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [
                m for m in self.messages if address.lower() in (a.lower() for a in m.envelope_to)
            ]

    def sessions(self) -> int:
        """How many connections delivered a message."""
        with self.lock:
            return len(self.session_ids)

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


class SMTPServer:
    def __init__(self) -> None:
        self.handler = Collector()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> SMTPServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.handler.resume.set()
        self.controller.stop()
