"""One repository per aggregate, each implementing a protocol of ``core/storage.py``.

Each class is handed what it needs (the connection, the acting person, the unit's
:class:`~sessionsctl.store.repos.lookup.Lookup` of ids) by :class:`~sessionsctl.store.unit.SqlUnit`,
which opens the transaction and holds them.
"""
