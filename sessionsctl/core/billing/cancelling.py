"""Who cancelled a session, recorded with the cancellation (whether it is billed, or owed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .model import CancelledBy

if TYPE_CHECKING:
    from ..storage import UnitOfWork

__all__ = ["CancelledBy", "cancelled_by", "noted"]


def cancelled_by(uow: UnitOfWork, session_ids: Sequence[int], by: CancelledBy | None) -> None:
    """Record who cancelled these (just cancelled) sessions; nothing for None. The
    cancellation's audit record says so (:func:`noted`), so undoing it stays one step."""
    if by is None:
        return
    for session_id in session_ids:
        uow.billing.set_cancelled_by(session_id, by.value)


def noted(after: dict[str, Any], by: CancelledBy | None) -> dict[str, Any]:
    """A cancelled session's audit record, with who cancelled when that was given."""
    return after if by is None else {**after, "cancelled_by": by.value}
