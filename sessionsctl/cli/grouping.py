"""A command group whose first command runs when none is named (`backup` is `backup take`,
`archive --before DATE` is `archive move --before DATE`)."""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup


class DefaultCommand(TyperGroup):
    """A group that runs ``default`` when the first word names none of its commands."""

    default = ""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = [self.default, *args]
        return super().parse_args(ctx, args)
