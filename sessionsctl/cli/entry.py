"""The ``sessionsctl`` console script: ``sessionsctl --version`` is answered before the
command line (Typer, rich, the core) is loaded; everything else goes to :mod:`.main`."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from .. import __version__

        sys.stdout.write(f"sessionsctl {__version__}\n")
        return
    from .main import main as run

    run()


if __name__ == "__main__":
    main()
