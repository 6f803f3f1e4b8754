"""The period a report run with ``--every`` covers: the last complete day, week or month in the
viewer's zone, whole local days across a daylight-saving change (a far-west and a southern
zone)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessionsctl.core.reports.report import Every, last_period

LA = ZoneInfo("America/Los_Angeles")  # clocks go forward on Sun 8 Mar 2026
AUCKLAND = ZoneInfo("Pacific/Auckland")  # clocks go back on Sun 5 Apr 2026


def _local(period: tuple[datetime, datetime], tz: ZoneInfo) -> tuple[str, str]:
    return tuple(f"{b.astimezone(tz):%Y-%m-%d %H:%M}" for b in period)  # type: ignore[return-value]


def test_last_week_is_monday_to_monday_across_the_spring_change() -> None:
    now = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)  # Wed 05:00 in Los Angeles
    period = last_period(Every.WEEK, now, LA)
    assert _local(period, LA) == ("2026-03-02 00:00", "2026-03-09 00:00")
    assert period[1] - period[0] == timedelta(hours=167)  # an hour short: the change


def test_last_day_is_the_local_day_before_even_when_it_is_25_hours() -> None:
    now = datetime(2026, 4, 5, 12, 0, tzinfo=UTC)  # Mon 6 Apr 00:00 in Auckland
    period = last_period(Every.DAY, now, AUCKLAND)
    assert _local(period, AUCKLAND) == ("2026-04-05 00:00", "2026-04-06 00:00")
    assert period[1] - period[0] == timedelta(hours=25)


def test_last_month_is_read_in_the_viewers_zone_not_utc() -> None:
    now = datetime(2025, 12, 31, 11, 30, tzinfo=UTC)  # 1 Jan 2026 00:30 in Auckland
    assert _local(last_period(Every.MONTH, now, AUCKLAND), AUCKLAND) == (
        "2025-12-01 00:00", "2026-01-01 00:00")
    assert _local(last_period(Every.MONTH, now, LA), LA) == (
        "2025-11-01 00:00", "2025-12-01 00:00")


@pytest.mark.parametrize("every", list(Every))
def test_every_run_in_a_period_reports_the_same_one_and_the_next_period_the_next(
        every: Every) -> None:
    start = datetime(2026, 6, 1, 0, 0, tzinfo=LA)  # a Monday, the first of the month
    first = last_period(every, start.astimezone(UTC), LA)
    later = last_period(every, (start + timedelta(hours=23, minutes=59)).astimezone(UTC), LA)
    assert first == later and first[1].astimezone(LA) == start
    after = last_period(every, first[1] + {Every.DAY: timedelta(days=1),
                                            Every.WEEK: timedelta(weeks=1),
                                            Every.MONTH: timedelta(days=31)}[every], LA)
    assert after[0] == first[1]
