"""The SQLAlchemy store: schema, migrations runner and the unit of work core asks for."""

from .engine import default_url, open_store

__all__ = ["default_url", "open_store"]
