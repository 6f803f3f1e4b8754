"""The ``sessionsctl`` console script: ``sessionsctl --version`` is answered before the
command line (Typer, rich, the core) is loaded; everything else goes to :mod:`.main`."""

from __future__ import annotations

import gc
import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from .. import __version__

        sys.stdout.write(f"sessionsctl {__version__}\n")
        return
    # A command loads some 500 modules before doing anything, and their objects live as long
    # as the process: walking them finds no garbage. So the collector is paused while they
    # load, and resumed once the centre is open (:meth:`.context.Cli.centre`), with what was
    # loaded frozen out of its walks. From then on it runs every 50,000 new objects (700 by
    # default): the cycles a command makes are still collected, a few megabytes apart.
    gc.disable()
    gc.set_threshold(50_000, *gc.get_threshold()[1:])
    from .main import main as run

    run()


if __name__ == "__main__":
    main()
