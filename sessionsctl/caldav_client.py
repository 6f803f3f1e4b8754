"""The CalDAV adapter at the edge (core only knows ``CalendarServer``): the ``caldav`` library.

Resources are written with one PUT each to ``<calendar>/<UID>.ics`` (creating or replacing
it) and removed with one DELETE: no search of the calendar first, so a run costs one request
per change. Any failure to reach the server, or a refusal, is :class:`ServerUnavailable`
naming the server without its credentials.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from .config import ENV_PREFIX
from .core.domain.errors import InvalidInput, SessionsctlError
from .core.exchange.caldav_sync import ServerUnavailable

TIMEOUT_S = 30
# The caldav library is an optional part of the install (pyproject.toml says why).
MISSING = ("syncing with a CalDAV server needs the caldav package, which is not installed: "
           "pip install 'sessionsctl[caldav]'")


def public_url(url: str) -> str:
    """``url`` without a user or password in it: what is shown and remembered."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def password(password_file: str | None) -> str | None:
    """The CalDAV password: ``SESSIONSCTL_CALDAV_PASSWORD``, or ``password_file``, which must
    be readable by its owner alone. Never printed."""
    if found := os.environ.get(f"{ENV_PREFIX}CALDAV_PASSWORD"):
        return found
    if not password_file:
        return None
    path = Path(password_file).expanduser()
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", field="--password-file") \
            from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput(f"{path} can be read by others (mode {stat.filemode(mode)}); "
                           f"make it private with: chmod 600 {path}", field="--password-file")
    try:
        return path.read_text(encoding="utf-8").strip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}", field="--password-file") from None


class CalDavServer:
    """``CalendarServer`` over the ``caldav`` library, for one account."""

    def __init__(self, url: str, user: str | None, secret: str | None, *,
                 timeout: float = TIMEOUT_S) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput(f"{public_url(url)!r} is not an http or https address", field="--url")
        try:
            from caldav import DAVClient
        except ImportError:
            raise SessionsctlError(MISSING) from None

        self.url = public_url(url)
        self._client = DAVClient(url=url, username=user or parts.username,
                                 password=secret or parts.password, timeout=int(timeout))
        self._home: Any = None
        self._calendars: dict[str, str] = {}

    def _fail(self, what: str, exc: BaseException | str) -> ServerUnavailable:
        why = exc if isinstance(exc, str) else (type(exc).__name__ + (f": {exc}" if str(exc)
                                                                       else ""))
        return ServerUnavailable(f"CalDAV server {self.url}: {what}: {why}"
                                 .replace(str(self._client.password or "\0"), "***"))

    def ensure(self, calendar: str, name: str) -> None:
        if calendar in self._calendars:
            return
        try:
            if self._home is None:
                self._home = self._client.principal()
            for found in self._home.calendars():
                if str(found.url).rstrip("/").rsplit("/", 1)[-1] == calendar:
                    self._calendars[calendar] = str(found.url).rstrip("/") + "/"
                    return
            made = self._home.make_calendar(name=name, cal_id=calendar)
            self._calendars[calendar] = str(made.url).rstrip("/") + "/"
        except Exception as exc:  # noqa: BLE001 - the library raises many kinds; all mean "not done"
            raise self._fail(f"cannot open or create the calendar {calendar}", exc) from None

    def _resource(self, calendar: str, uid: str) -> str:
        return self._calendars[calendar] + quote(uid, safe="") + ".ics"

    def put(self, calendar: str, uid: str, data: bytes) -> None:
        try:
            reply = self._client.put(self._resource(calendar, uid), data.decode("utf-8"),
                                     {"Content-Type": "text/calendar; charset=utf-8"})
        except Exception as exc:  # noqa: BLE001
            raise self._fail(f"cannot send {uid}", exc) from None
        if not 200 <= int(reply.status) < 300:
            raise self._fail(f"refused {uid}", f"HTTP {reply.status}")

    def delete(self, calendar: str, uid: str) -> None:
        try:
            reply = self._client.delete(self._resource(calendar, uid))
        except Exception as exc:  # noqa: BLE001
            raise self._fail(f"cannot delete {uid}", exc) from None
        if not (200 <= int(reply.status) < 300 or int(reply.status) == 404):
            raise self._fail(f"refused to delete {uid}", f"HTTP {reply.status}")

    def close(self) -> None:
        try:
            self._client.close()
        except Exception:  # noqa: BLE001, S110 - closing what may never have opened
            pass
