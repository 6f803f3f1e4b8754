"""Changing the sessions marked in the list together: ask how (a reason, a shift or a day, a
new mentor or room), read the plan off the UI thread, show it in a yes-or-no question, and
write it all or none (:mod:`sessionsctl.core.schedule.bulk`). Sessions held before today are
left as they are, as the command line leaves them without --past. A plan any session of which
would clash is not offered: its conflicts are said instead."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ...core.domain.drafts import SessionQuery
from ...core.domain.errors import InvalidInput, SessionsctlError
from ...core.domain.model import SessionStatus
from ...core.domain.timeutil import parse_day
from ...core.domain.words import counted
from ...core.schedule.bulk import BulkChange, BulkPlan, parse_shift
from ..format import shown
from ..messages import WriteRequested
from .dialogs import ConfirmDialog, PromptDialog

if TYPE_CHECKING:
    from textual.screen import Screen

    from ..context import TuiContext

SHOWN_ROWS = 8  # rows of a plan the question lists; the rest are counted
VERBS = {"cancel": ("Cancel", "cancelled"), "move": ("Move", "moved"),
         "reassign": ("Reassign", "reassigned")}


def read_move(text: str, tz: ZoneInfo, now: datetime) -> BulkChange:
    """``+1w``, ``-30m``: a shift; ``2026-11-24``, ``next monday``: onto that day."""
    try:
        return BulkChange.move(by=parse_shift(text))
    except InvalidInput:
        pass
    try:
        return BulkChange.move(on=parse_day(text, tz, field="move", now=now))
    except InvalidInput:
        raise InvalidInput(f"give a shift (+1w, +2d, -30m) or a day (2026-11-24), not "
                           f"{text!r}", field="move") from None


def plan_text(plan: BulkPlan, tz: ZoneInfo, name: Callable[[str], str],
              limit: int = SHOWN_ROWS) -> str:
    """The plan in a few lines: each session, what becomes of it, its first conflicts."""
    lines = []
    for row in plan.rows[:limit]:
        s = row.before
        head = f"#{s.id} {s.start.astimezone(tz):%a %d %b %H:%M} {s.title}"
        after = row.after
        if row.skipped is not None:
            lines.append(f"{head}: left ({row.skipped})")
            continue
        if after is None or after.status is SessionStatus.CANCELLED:
            lines.append(f"{head} → cancelled")
            continue
        parts = []
        if after.start != s.start:
            parts.append(f"{after.start.astimezone(tz):%a %d %b %H:%M}")
        if after.mentor != s.mentor:
            parts.append(name(after.mentor))
        if after.room != s.room:
            parts.append(after.room or "no room")
        lines.append(f"{head} → {', '.join(parts)}")
        lines.extend(f"   ✗ {c.detail}" for c in row.conflicts.shown[:2])
    if len(plan.rows) > limit:
        lines.append(f"… and {len(plan.rows) - limit} more")
    return "\n".join(lines)


class BulkFlow:
    """One bulk change of the marked sessions, asked for on ``screen``; ``done`` runs once
    it is confirmed (the list then drops its marks)."""

    def __init__(self, screen: Screen[Any], ctx: TuiContext, kind: str,
                 session_ids: tuple[int, ...], done: Callable[[], None]) -> None:
        self.screen = screen
        self.ctx = ctx
        self.kind = kind
        self.ids = session_ids
        self.done = done

    def start(self) -> None:
        n = len(self.ids)
        what = f"{n} session{'s' if n != 1 else ''}"
        app = self.screen.app
        if self.kind == "cancel":
            app.push_screen(PromptDialog(f"Cancel {what}: why?", "reason (optional)"),
                            lambda reason: None if reason is None
                            else self._plan(lambda: BulkChange.cancel(reason)))
        elif self.kind == "move":
            app.push_screen(PromptDialog(f"Move {what} by +1w, +2d, -30m… or to a day",
                                         "+1w or 2026-11-24", required=True),
                            lambda text: None if text is None else self._plan(
                                lambda: read_move(text, self.ctx.tz, self.ctx.now())))
        else:
            app.push_screen(PromptDialog(f"Reassign {what}: the new mentor (blank: keep)",
                                         "name or email"), self._ask_room)

    def _ask_room(self, mentor: str | None) -> None:
        if mentor is None:
            return

        def change() -> BulkChange:
            given: dict[str, Any] = {"mentor": mentor} if mentor else {}
            if room is not None and room != "":
                given["room"] = None if room == "-" else room
            return BulkChange.reassign(**self.ctx.centre.people.resolve(given))

        room: str | None = None

        def with_room(answer: str | None) -> None:
            nonlocal room
            if answer is None:
                return
            room = answer
            self._plan(change)

        self.screen.app.push_screen(PromptDialog(
            "…and the new room (blank: keep; - for none)", "room"), with_room)

    def _plan(self, change: Callable[[], BulkChange]) -> None:
        """Read the plan in a worker (names resolved there too), then ask."""
        def read() -> None:
            try:
                made = change()
                plan = self.ctx.centre.bulk.plan(SessionQuery(ids=self.ids), made)
            except SessionsctlError as exc:
                self.screen.app.call_from_thread(self.screen.app.notify, shown(exc),
                                                 title="Not changed", severity="error")
                return
            self.screen.app.call_from_thread(self._confirm, plan)

        self.screen.run_worker(read, thread=True, group="bulk", exit_on_error=False)

    def _confirm(self, plan: BulkPlan) -> None:
        verb, done = VERBS[plan.change.kind]
        detail = plan_text(plan, self.ctx.tz, self.ctx.name)
        app = self.screen.app
        if plan.conflict_count:
            app.notify(f"{counted(plan.conflict_count, 'conflict')}; nothing was changed.\n{detail}",
                       title=f"Cannot {verb.lower()} them all", severity="error", timeout=12)
            return
        if not plan.ids:
            app.notify(f"Nothing to change.\n{detail}", severity="warning")
            return
        n = len(plan.ids)
        ids = plan.ids

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            self.done()
            self.screen.post_message(WriteRequested(
                lambda: self.ctx.centre.bulk.apply(SessionQuery(ids=ids), plan.change),
                f"{n} session{'s' if n != 1 else ''} {done}"))

        them = "it" if n == 1 else "them"
        app.push_screen(ConfirmDialog(f"{verb} {counted(n, 'session')}?", detail,
                                      yes=f"{verb} {them}", no=f"Keep {them}"), answered)
