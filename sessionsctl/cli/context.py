"""What every command shares: settings, the viewer's zone, the centre, and the output mode."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

import typer

from ..config import Settings
from ..core.centre import Centre
from ..core.domain.timeutil import system_zone_name, zone


@dataclass
class Cli:
    settings: Settings
    json: bool = False
    _centre: Centre | None = field(default=None, repr=False)

    @cached_property
    def tz_name(self) -> str:
        return self.settings.tz or system_zone_name()

    @cached_property
    def tz(self) -> ZoneInfo:
        return zone(self.tz_name, field="--tz")

    @property
    def centre(self) -> Centre:
        if self._centre is None:
            from ..wiring import open_centre

            self._centre = open_centre(self.settings)
            _loaded()
        return self._centre

    def names(self) -> dict[str, str]:
        """People's names by email, to show sessions with."""
        return {p.email: p.name for p in self.centre.people.list_people()}

    def unbound_hint(self) -> str | None:
        """How to be bound, when this command read as a login bound to no person (and so saw
        nothing of anyone's): said after its output, which alone would look like an empty centre."""
        if self._centre is None or self._centre.store.unbound is None:
            return None
        from ..core.identity import how_to_bind

        return how_to_bind(self._centre.store.unbound)

    def close(self) -> None:
        if self._centre is not None:
            self._centre.store.close()


def cli(ctx: typer.Context, json_output: bool = False) -> Cli:
    """The shared state of this invocation; ``json_output`` switches errors to JSON too."""
    state: Cli = ctx.find_root().obj
    if json_output:
        state.json = True
    if state.settings.tz is not None:
        _ = state.tz  # an unknown --tz is bad input for every command, not only those showing times
    return state


def _loaded() -> None:
    """The command's modules are loaded: resume the collector the console script paused for
    start-up (:mod:`.entry`), leaving what is loaded out of its walks (nothing is done where
    it was not paused: a test, or a program calling the command line)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
