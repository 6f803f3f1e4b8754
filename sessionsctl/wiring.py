"""The one composition function both faces use: open the store from settings."""

from __future__ import annotations

from .config import Settings
from .core.usecases import Centre, Clock, utcnow


def open_centre(settings: Settings, clock: Clock = utcnow) -> Centre:
    """The centre at ``settings.db`` (created and migrated on first use), as ``settings.user``."""
    from .store import open_store

    return Centre(open_store(settings.db), settings.user, clock)


def database_label(url: str) -> str:
    """The database URL without a password, for showing to people."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
