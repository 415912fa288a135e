"""Where messages go: an SMTP server (`SmtpTransport`) or, for a dry run, a folder of .eml
files (`FolderTransport`). A transport raises `Transient` for what may work when tried
again (4xx replies, a dropped or refused connection), `Permanent` for a recipient refused
for good (5xx), and `Fatal` for what stops every message (login refused, sender refused)."""

from __future__ import annotations

import ipaddress
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol


class Transient(Exception):
    """Worth trying again later: a 4xx reply or a connection problem."""


class Unreachable(Transient):
    """The connection could not be opened, or it dropped."""


class Permanent(Exception):
    """This recipient is refused for good (5xx): the others are still sent."""


class Fatal(Exception):
    """Nothing can be sent this way (authentication or the sender refused)."""


class Transport(Protocol):
    def send(self, message: EmailMessage, recipient: str) -> None: ...

    def close(self) -> None: ...


def is_loopback(host: str) -> bool:
    """A server on this machine: the only place a password may go without STARTTLS."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
    return f"{exc.smtp_code} {text or exc.smtp_error}".strip()


class SmtpTransport:
    """One SMTP connection, opened when needed and opened again after it dropped."""

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        sender: str,
        starttls: bool = False,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
    ):
        self.host, self.port, self.starttls = host, port, starttls
        self.user, self._password, self.timeout = user, password, timeout
        self.envelope_from = parseaddr(sender)[1]
        self._smtp: smtplib.SMTP | None = None

    def __repr__(self) -> str:  # never show the password
        return f"SmtpTransport({self.host}:{self.port}, user={self.user!r})"

    def _connect(self) -> smtplib.SMTP:
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            smtp.ehlo()
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.user:
                smtp.login(self.user, self._password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise Fatal(f"the server refused the login of {self.user!r}: {_reply(exc)}") from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise Fatal(f"the server does not offer {exc}") from exc
        except smtplib.SMTPResponseException as exc:
            raise Transient(f"the server answered {_reply(exc)}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise Unreachable(f"cannot reach {self.host}:{self.port} ({exc})") from exc
        return smtp

    def send(self, message: EmailMessage, recipient: str) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message, from_addr=self.envelope_from, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            reply = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
            raise (Transient if 400 <= code < 500 else Permanent)(reply) from exc
        except smtplib.SMTPSenderRefused as exc:
            if 400 <= exc.smtp_code < 500:
                raise Transient(_reply(exc)) from exc
            raise Fatal(
                f"the server refused the sender {self.envelope_from}: {_reply(exc)}"
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise (Transient if 400 <= exc.smtp_code < 500 else Permanent)(_reply(exc)) from exc
        except (OSError, smtplib.SMTPException) as exc:  # dropped connection, timeout
            self._drop()
            raise Unreachable(f"connection lost ({exc or type(exc).__name__})") from exc

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.close()
            except OSError:
                pass

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._drop()


class FolderTransport:
    """A dry run: each message written to `folder/<n>-<address>.eml`, nothing sent."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.written: list[Path] = []
        folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: EmailMessage, recipient: str) -> None:
        safe = "".join(c if c.isalnum() or c in "@.-_" else "_" for c in recipient)[:80]
        path = self.folder / f"{len(self.written) + 1:04d}-{safe}.eml"
        path.write_bytes(bytes(message))
        self.written.append(path)

    def close(self) -> None:
        pass
