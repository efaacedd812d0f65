"""``python -m bench [NAME ...]``: run the benchmarks (all, or the named ones), print the figures
and record them in docs/benchmarks.md.

A benchmark joins by adding its module to ``BENCHMARKS``; the module has
``run() -> bench.report.Section``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from typing import cast

from bench.report import DOCS, Section, record

BENCHMARKS: dict[str, str] = {
    "scheduling": "bench.scheduling",
    "fairs_app": "bench.fairs_app",
    "crm": "bench.crm",
    "messaging": "bench.messaging",
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})",
    )
    parser.add_argument("--no-record", action="store_true", help=f"do not update {DOCS.name}")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    for name in args.names or list(BENCHMARKS):
        module = importlib.import_module(BENCHMARKS[name])
        run = cast(Callable[[], Section], module.run)
        section = run()
        print(section.markdown)
        if not args.no_record:
            record(section)
            print(f"(recorded in {DOCS})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
