"""The centre's billing policy: its currency and the notice a student must give to cancel
without charge (``[billing]`` in the config file)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class BillingPolicy:
    currency: str = "GBP"
    late_cancel: timedelta = timedelta(hours=24)
