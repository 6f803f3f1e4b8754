"""The one composition function both faces use: open the store from settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import Settings
from .core.centre import Centre, Clock, utcnow

if TYPE_CHECKING:
    from .core.mail.notices import MailTransport
    from .core.mail.setup import MailSetup


def open_centre(settings: Settings, clock: Clock = utcnow) -> Centre:
    """The centre at ``settings.db`` (created and migrated on first use), as ``settings.user``;
    its mail set up from ``settings`` when mail is first used."""
    from datetime import timedelta

    from .store import open_store

    grace = timedelta(minutes=settings.late_grace) if settings.late_grace is not None else None
    return Centre(open_store(settings.db), settings.user, clock,
                  mail_setup=lambda: mail_setup(settings), late_grace=grace)


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


def database_in_use(settings: Settings) -> str:
    """The database ``settings`` name (or the default one), without a password."""
    from .store import default_url

    return database_label(settings.db or default_url())


def database_label(url: str) -> str:
    """The database URL without a password, for showing to people."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
