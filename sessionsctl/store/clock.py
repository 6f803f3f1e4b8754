"""The store's clock: when a row was written (created_at, modified_at, recorded_at, audit)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current instant, in UTC. Repositories call it as ``clock.now()`` (looked up at
    each call), so a test can freeze it in one place."""
    return datetime.now(UTC)
