"""What archiving needs from the store (``uow.archive``, store/repos/archive.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .rule import Moved, Selection


class ArchiveRepo(Protocol):
    """Sessions and the rows that belong to them, moved between the working tables and the
    archive tables as a whole, in set operations (never a row at a time), ids kept."""

    def planned(self, selection: Selection) -> Moved:
        """What :meth:`archive` would move now, and the sessions it would keep; writes nothing."""
        ...
    def archive(self, selection: Selection) -> Moved:
        """Move the sessions ``selection`` picks from the working tables, with their rows, into
        the archive; what was moved (the kept sessions as :meth:`planned` names them)."""
        ...
    def planned_restore(self, selection: Selection) -> Moved:
        """What :meth:`restore` would move back; ``kept``: ``clash`` names archived sessions
        whose rows' ids are taken in the working tables since (restore refuses them)."""
        ...
    def restore(self, selection: Selection) -> Moved:
        """Move the archived sessions ``selection`` picks (status and holders aside) back into
        the working tables, with their rows, as they were."""
        ...
