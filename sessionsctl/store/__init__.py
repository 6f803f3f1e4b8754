"""The SQLAlchemy store: schema, migrations runner and the unit of work core asks for."""

from .engine import backups_of, default_url, open_store

__all__ = ["backups_of", "default_url", "open_store"]
