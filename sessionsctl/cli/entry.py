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
    # A command loads some 570 modules before doing anything, and their objects live as long
    # as the process: the collector, run every 700 new objects by default, walked them ~190
    # times while they loaded (a tenth of `session show`). Every 50,000 it walks each about
    # once; the cycles a command makes are still collected, a few megabytes apart.
    gc.set_threshold(50_000, *gc.get_threshold()[1:])
    from .main import main as run

    run()


if __name__ == "__main__":
    main()
