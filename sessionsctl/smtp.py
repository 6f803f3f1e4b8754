"""The SMTP transport: the mail adapter at the edge (core only knows ``MailTransport``).

One connection is opened on the first message and reused for every message after it; a
connection the server dropped is reopened once. Errors are sorted for the outbox: the server
unreachable (nothing is the message's fault), a 5xx reply (the message is refused for good)
or a 4xx reply (try again later).
"""

from __future__ import annotations

import os
import smtplib
import ssl
import stat
from email.generator import BytesGenerator
from email.message import Message
from email.policy import Compat32
from io import BytesIO
from pathlib import Path

from .config import ENV_PREFIX, SMTP_SECURITY, SmtpSettings
from .core.domain.errors import InvalidInput
from .core.mail.notices import DeliveryError, valid_address

SECURITY = SMTP_SECURITY


class _WirePolicy(Compat32):
    """compat32 with CRLF line ends that writes a short ASCII header as it is, without
    running it through ``email.header.Header`` (the costliest step of flattening a message;
    core builds every header as ASCII, encoding what is not)."""

    def _fold(self, name: str, value: object, sanitize: bool) -> str:
        if isinstance(value, str) and value.isascii() and len(name) + len(value) < 996 \
                and "\n" not in value and "\r" not in value:
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)  # type: ignore[misc]


WIRE = _WirePolicy(linesep="\r\n")
TIMEOUT_S = 30


def smtp_password(settings: SmtpSettings) -> str | None:
    """The SMTP password: ``SESSIONSCTL_SMTP_PASSWORD``, or the file named by ``password_file``,
    which must be readable by its owner alone. Never taken from the config file itself."""
    if password := os.environ.get(f"{ENV_PREFIX}SMTP_PASSWORD"):
        return password
    if not settings.password_file:
        return None
    path = Path(settings.password_file).expanduser()
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", field="smtp.password_file") \
            from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput(f"{path} can be read by others (mode {stat.filemode(mode)}); "
                           f"make it private with: chmod 600 {path}",
                           field="smtp.password_file")
    try:
        return path.read_text(encoding="utf-8").strip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}", field="smtp.password_file") from None


class SmtpTransport:
    """``MailTransport`` over smtplib, with one reused connection."""

    def __init__(self, settings: SmtpSettings, *, timeout: float = TIMEOUT_S) -> None:
        if not settings.host:
            raise InvalidInput("no SMTP server is configured: set [smtp] host in the config "
                               "file or SESSIONSCTL_SMTP_HOST", field="smtp.host")
        if settings.security not in SECURITY:
            raise InvalidInput(f"must be one of {', '.join(SECURITY)}, not {settings.security!r}",
                               field="smtp.security")
        sender = settings.sender or settings.user
        if not sender or not valid_address(sender):
            raise InvalidInput(f"a sender address is needed ([smtp] from or SESSIONSCTL_SMTP_FROM)"
                               f"{f', not {sender!r}' if sender else ''}", field="smtp.from")
        self.settings = settings
        self.sender = sender
        self.timeout = timeout
        self._password = smtp_password(settings) if settings.user else None
        self._smtp: smtplib.SMTP | None = None

    @property
    def port(self) -> int:
        if self.settings.port:
            return self.settings.port
        return {"tls": 465, "starttls": 587}.get(self.settings.security, 25)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host or "", self.port, timeout=self.timeout,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(s.host or "", self.port, timeout=self.timeout)
                if s.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if s.user:
                smtp.login(s.user, self._password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"{s.host}:{self.port} refused the login of {s.user}: "
                                f"{_reply(exc.smtp_code, exc.smtp_error)}",
                                unreachable=True) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"cannot reach SMTP server {s.host}:{self.port}: {exc}",
                                unreachable=True) from None
        return smtp

    def send(self, message: Message, *, recipient: str) -> None:
        buffer = BytesIO()
        BytesGenerator(buffer, mangle_from_=False, policy=WIRE).flatten(message)
        data = buffer.getvalue()
        for attempt in (1, 2):
            if self._smtp is None:
                self._smtp = self._connect()
            try:
                refused = self._smtp.sendmail(self.sender, [recipient], data)
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = next(iter(exc.recipients.values()))
                raise DeliveryError(f"{recipient} refused: {_reply(code, text)}",
                                    permanent=500 <= code < 600) from None
            except smtplib.SMTPResponseException as exc:
                raise DeliveryError(f"{_reply(exc.smtp_code, exc.smtp_error)}",
                                    permanent=500 <= exc.smtp_code < 600) from None
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                self._drop()
                if attempt == 2:
                    raise DeliveryError(f"lost the SMTP server {self.settings.host}:"
                                        f"{self.port}: {exc}", unreachable=True) from None
                continue
            if refused:
                raise DeliveryError(f"refused: {refused}", permanent=True)
            return

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.close()
            except OSError:
                pass

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


def _reply(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
