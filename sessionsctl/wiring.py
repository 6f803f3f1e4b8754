"""The one composition function both faces use: open the store from settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .core.centre import Centre, Clock, utcnow

if TYPE_CHECKING:
    from .config import Settings
    from .core.backup.service import Backups
    from .core.exchange.caldav_sync import CalendarServer
    from .core.mail.notices import MailTransport
    from .core.mail.setup import MailSetup


def open_centre(settings: Settings, clock: Clock = utcnow) -> Centre:
    """The centre at ``settings.db`` (created and migrated on first use), as ``settings.user``;
    its mail set up from ``settings`` when mail is first used."""
    from datetime import timedelta

    from .store import open_store

    grace = timedelta(minutes=settings.late_grace) if settings.late_grace is not None else None
    return Centre(open_store(settings.db), settings.user, clock,
                  mail_setup=lambda: mail_setup(settings), billing_policy=settings.billing,
                  material_limit=settings.material_limit,
                  feedback_categories=settings.feedback_categories, late_grace=grace,
                  unmarked=settings.unmarked or "absent")


def mail_setup(settings: Settings) -> MailSetup:
    """Templates (ours, overridden by ``settings.templates``) and SMTP from ``settings``; the
    SMTP transport is built (and its password read) only when something is sent."""
    from .core.mail.setup import MailSetup
    from .core.mail.templating import Templates

    def transport() -> MailTransport:
        from .smtp import SmtpTransport

        return SmtpTransport(settings.smtp)

    return MailSetup(templates=Templates(settings.templates), sender=settings.smtp.sender,
                     transport=transport if settings.smtp.host else None)


def backups(settings: Settings, centre: Callable[[], Centre]) -> Backups:
    """Backups of ``settings.db``, which need not exist yet (a restore's target); ``centre``
    opens it as the acting person only when a permission must be checked."""
    from .core.backup.service import Backups
    from .store import backups_of

    return Backups(backups_of(settings.db), lambda: centre().ctx)


def backup_folder() -> Path:
    """Where backups go unless a file is named: ``backups`` in the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path("sessionsctl") / "backups"


def database_in_use(settings: Settings) -> str:
    """The database ``settings`` name (or the default one), without a password."""
    from .store import default_url

    return database_label(settings.db or default_url())


def database_label(url: str) -> str:
    """The database URL without a password, for showing to people."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def caldav_server(url: str, user: str | None, password_file: str | None) -> CalendarServer:
    """The CalDAV account at ``url``: the user from ``user`` or ``SESSIONSCTL_CALDAV_USER``,
    the password from ``SESSIONSCTL_CALDAV_PASSWORD`` or an owner-only ``password_file``."""
    import os

    from .caldav_client import CalDavServer, password
    from .config import ENV_PREFIX

    return CalDavServer(url, user or os.environ.get(f"{ENV_PREFIX}CALDAV_USER") or None,
                        password(password_file))


def caldav_url(url: str) -> str:
    """``url`` as shown and remembered: without credentials."""
    from .caldav_client import public_url

    return public_url(url)
