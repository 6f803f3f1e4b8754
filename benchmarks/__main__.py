"""Every benchmark suite, one after the other: ``python -m benchmarks``.

``python -m benchmarks [--quick] [--only engine,tui,exchange,mail,reports,cli,backup,archive] [--scale 100k]``

Each suite prints its own table (figure, floor, ratio, goal, PASS/FAIL) and can be run alone
as ``python -m benchmarks.<suite>``; ``engine`` is ``benchmarks.run`` (booking, checking,
series, listing), which also runs the 10k and 1M scales to show how a check grows with n.
All start from the same generated centre (benchmarks/generate.py), cached in benchmarks/.data.
"""

from __future__ import annotations

import argparse
import importlib
import time

from rich.console import Console

SUITES = {"engine": "run", "tui": "tui", "exchange": "exchange", "mail": "mail",
          "reports": "reports", "cli": "cli", "backup": "backup", "archive": "archive"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repetitions: a smoke run")
    parser.add_argument("--scale", default="100k",
                        help="the scale the goals are set at (the engine adds 10k and 1m)")
    parser.add_argument("--only", default=",".join(SUITES),
                        help=f"comma-separated subset of {', '.join(SUITES)}")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = set(names) - set(SUITES)
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(sorted(unknown))}")
    console = Console()
    failed = []
    for name in names:
        module = importlib.import_module(f"benchmarks.{SUITES[name]}")
        quick = ["--quick"] if args.quick else []
        if name == "engine":
            scales = args.scale if args.quick else f"10k,{args.scale},1m"
            suite_args = ["--scales", scales, *quick]
        else:
            suite_args = ["--scale", args.scale, *quick]
        console.rule(f"[bold]{name}[/] (python -m benchmarks.{SUITES[name]} {' '.join(suite_args)})")
        started = time.perf_counter()
        code = module.main(suite_args)
        console.print(f"[dim]{name}: {time.perf_counter() - started:,.0f} s[/]")
        if code:
            failed.append(name)
    if failed:
        console.print(f"[red]suites that did not finish: {', '.join(failed)}[/]")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
