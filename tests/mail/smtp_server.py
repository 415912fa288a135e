"""A real SMTP server on loopback for the send tests (aiosmtpd in a thread): it keeps every
message it accepted, and can refuse a recipient for good, drop the connection once, or go
away (drop every connection) after some messages."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Handler:
    received: list = field(default_factory=list)  # (recipients, parsed message)
    refuse: set = field(default_factory=set)  # addresses answered with 550
    drop_once_after: int | None = None  # close the connection once, after this many messages
    dead_after: int | None = None  # close every connection after this many messages
    logins: list = field(default_factory=list)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        count = len(self.received)
        if self.drop_once_after is not None and count >= self.drop_once_after:
            self.drop_once_after = None
            server.transport.close()
            return "421 4.3.2 going away"
        if self.dead_after is not None and count >= self.dead_after:
            server.transport.close()
            return "421 4.3.2 going away"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((tuple(envelope.rcpt_tos), message))
        return "250 2.0.0 Message accepted"

    def recipients(self) -> list[str]:
        return [r for rcpts, _ in self.received for r in rcpts]


class Server:
    def __init__(self):
        self.handler = Handler()
        self.port = free_port()

        def authenticate(server, session, envelope, mechanism, auth_data):
            self.handler.logins.append((auth_data.login, auth_data.password))
            return AuthResult(success=auth_data.password == b"s3cret-pa55")

        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=authenticate,
            auth_require_tls=False,
        )

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
