"""The booking form's conflicts: the panel that lists them, the free slots offered beside a
clash, and what the form shows of them (the live check's, or those a refused save holds)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from ....core.schedule.conflicts import Conflict
from ....core.schedule.slots import Slot
from ... import format as fmt
from ...messages import ConflictsFound
from .save import or_skip, skippable

SHOWN_CONFLICTS = 8  # lines of conflicts listed; the rest are counted


def describe(conflict: Conflict, tz: Any, *, dated: bool = False) -> Content:
    """One conflict; ``dated`` names the occurrence it is on (a series has many)."""
    parts: list[Any] = [("⚠ ", "bold $text-warning")]
    if dated:
        local = conflict.start.astimezone(tz)
        parts.append((f"{fmt.day_label(local.date())} {local:%H:%M}  ", "bold"))
    parts.append((conflict.detail, "$text-warning"))
    other = conflict.with_
    if other is not None and other.id:
        parts.append((f"  #{other.id} {fmt.when(other, tz)}", "$text-muted"))
    return Content.assemble(*parts)


def series_head(conflicts: list[Conflict], occurrences: int | None, new: bool) -> Content:
    """How many occurrences of a series clash (of how many, for a new one)."""
    clashing = len({c.start for c in conflicts})
    if occurrences and new:
        head = f"{clashing} of {occurrences} occurrences clash:"
    else:
        head = f"{clashing} occurrences clash:" if clashing != 1 else "1 occurrence clashes:"
    return Content.styled(head, "bold")


class ConflictsPanel(Static):
    """What the draft clashes with, and what can be done: take a free slot, say why to book
    anyway, or (a new series) book only the free occurrences. Hidden while nothing clashes."""

    def show(self, conflicts: list[Conflict], tz: ZoneInfo, *, slots: bool = False,
             series: bool = False, occurrences: int | None = None, new: bool = True,
             can_skip: bool = False) -> None:
        if not conflicts:
            self.update("")
            self.remove_class("-shown")
            return
        lines = [describe(c, tz, dated=series) for c in conflicts[:SHOWN_CONFLICTS]]
        if len(conflicts) > SHOWN_CONFLICTS:
            lines.append(Content.styled(f"… and {len(conflicts) - SHOWN_CONFLICTS} more",
                                        "$text-muted"))
        if series:
            lines.insert(0, series_head(conflicts, occurrences, new))
            lines.append(Content.styled("Say why below to book every occurrence anyway"
                                        + or_skip(can_skip), "$text-muted"))
        elif slots:
            lines.append(Content.styled("Free instead (enter or click takes one):", "bold"))
        else:
            lines.append(Content.styled("No free slot in the next two weeks for these people "
                                        "and room.", "$text-muted"))
        self.update(Content("\n").join(lines))
        self.add_class("-shown")


class SlotList(OptionList):
    """The free slots offered beside a clash; enter or a click takes one."""

    def offer(self, slots: list[Slot], tz: ZoneInfo) -> None:
        self.clear_options()
        for i, slot in enumerate(slots):
            local = slot.start.astimezone(tz)
            room = f"  in {slot.room}" if slot.room else ""  # the room asked for is taken
            self.add_option(Option(
                f"{fmt.day_label(local.date())} {local:%H:%M}–{fmt.hhmm(slot.end, tz)}{room}",
                id=str(i)))
        self.display = bool(slots)
        if slots:
            self.highlighted = 0


class Clashes:
    """What the form ``form`` shows of conflicts, and why: the live check's, or the ones a
    refused save returned, held in view until a field changes (a live check of one
    occurrence must not replace the clashes of the others). The override and "book the free
    ones" are offered only beside them."""

    def __init__(self, form: Screen[Any], tz: ZoneInfo, *, new: bool) -> None:
        self.form = form
        self.tz = tz
        self.new = new
        self.conflicts: list[Conflict] = []
        self.slots: list[Slot] = []
        self.series = False  # the conflicts shown are of several occurrences
        self.occurrences: int | None = None  # how many a new series has (from its check)
        self.held: list[Conflict] | None = None
        self.held_series = False

    @property
    def skippable(self) -> bool:
        """Whether "book the free ones" applies to what is shown."""
        return skippable(self.new, self.series, self.conflicts, self.occurrences)

    def found(self, message: ConflictsFound) -> None:
        """A live check's answer (the held conflicts win, with its free slots)."""
        if message.series:
            self.occurrences = message.occurrences
        if self.held is not None:
            self.show(self.held, message.slots, series=self.held_series)
        else:
            self.show(message.conflicts, message.slots, series=message.series)

    def hold(self, conflicts: list[Conflict], *, series: bool) -> None:
        """What a refused save met, shown until a field changes (`release`)."""
        self.held, self.held_series = conflicts, series
        self.show(conflicts, [], series=series)

    def release(self) -> None:
        self.held = None

    def show(self, conflicts: list[Conflict], slots: list[Slot], *,
             series: bool = False) -> None:
        self.conflicts, self.slots, self.series = conflicts, slots, series
        form = self.form
        form.query_one("#row-force").display = bool(conflicts)
        form.query_one("#skip", Button).display = self.skippable
        form.refresh_bindings()
        form.query_one(ConflictsPanel).show(
            conflicts, self.tz, slots=bool(slots), series=series,
            occurrences=self.occurrences, new=self.new, can_skip=self.skippable)
        offered = form.query_one(SlotList)
        if conflicts:
            offered.offer(slots, self.tz)
        else:
            offered.display = False
