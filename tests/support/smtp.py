"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives.

Usage::

    from support.smtp import smtp_server  # noqa: F401

    def test_x(smtp_server):
        ... send to smtp_server.host / smtp_server.port ...
        envelope = smtp_server.messages[0]   # .mail_from, .rcpt_tos, .message (EmailMessage)

`smtp_server.require_login(user, password)` makes it demand AUTH LOGIN/PLAIN (without TLS,
which only a loopback test may do).
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    logins: list[str]  # the user names that logged in on this server so far (last one)


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, smtp, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.server.messages.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), message, self.server.logins[-1:])
        )
        return "250 OK"


class SmtpServer:
    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.logins: list[str] = []
        self.credentials: tuple[str, str] | None = None
        with socket.socket() as probe:  # a free port on loopback
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.host = "127.0.0.1"
        self._controller = Controller(
            _Handler(self),
            hostname=self.host,
            port=self.port,
            authenticator=self._authenticate,
            auth_require_tls=False,
        )

    def require_login(self, user: str, password: str) -> None:
        self.credentials = (user, password)

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if self.credentials is None:
            return AuthResult(success=True)
        ok = isinstance(auth_data, LoginPassword) and self.credentials == (
            auth_data.login.decode(),
            auth_data.password.decode(),
        )
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()
