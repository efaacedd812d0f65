"""``sangdam schedule INSTANCE.json [--mode greedy|optimize] [--time-limit S] [-o RESULT.json]``.

Exit status 0 with the result on standard output (or in ``-o``); 2 with one line per problem on
standard error when the instance is malformed or unreadable, and then nothing else is written.
"""

from __future__ import annotations

import argparse
import gc
import sys

from sangdam.scheduling.format_v1 import dumps_result, read_instance, write_result
from sangdam.scheduling.problem import InvalidProblem
from sangdam.scheduling.schedule import Mode
from sangdam.scheduling.solve import solve

DEFAULT_TIME_LIMIT = 60.0
BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sangdam schedule",
        description="Schedule fair meetings from a sangdam.schedule/1 instance.",
    )
    parser.add_argument("instance", metavar="INSTANCE.json")
    parser.add_argument(
        "--mode",
        choices=[mode.value for mode in Mode],
        default=Mode.GREEDY.value,
        help="greedy: the published rule (default); optimize: CP-SAT beyond it",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        metavar="SECONDS",
        help=f"optimize for at most this long (default {DEFAULT_TIME_LIMIT:g}; 0 = until done)",
    )
    parser.add_argument("-o", "--output", metavar="RESULT.json", help="default: standard output")
    parser.add_argument("--seed", type=int, default=0, help="optimizer's random seed (default 0)")
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="CP-SAT search workers (default: one per core; 1 with --time-limit 0 = reproducible)",
    )
    return parser


def main(argv: list[str]) -> int:
    # A large fair builds millions of small objects and no reference cycles; the cyclic garbage
    # collector would walk them again and again (about a third of the run time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(argv)
    finally:
        if collecting:
            gc.enable()


def _run(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage and the error
        return exc.code if isinstance(exc.code, int) else BAD_INPUT
    if args.time_limit is not None and args.time_limit < 0:
        print(f"{args.instance}: --time-limit must be 0 or more seconds", file=sys.stderr)
        return BAD_INPUT
    if args.workers is not None and args.workers < 1:
        print(f"{args.instance}: --workers must be 1 or more", file=sys.stderr)
        return BAD_INPUT
    try:
        problem = read_instance(args.instance)
    except OSError as exc:
        print(f"{args.instance}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return BAD_INPUT
    except InvalidProblem as exc:
        for issue in exc.issues:
            print(f"{args.instance}: {issue}", file=sys.stderr)
        return BAD_INPUT

    time_limit = DEFAULT_TIME_LIMIT if args.time_limit is None else args.time_limit
    schedule = solve(
        problem,
        mode=args.mode,
        time_limit=time_limit or None,
        seed=args.seed,
        workers=args.workers,
    )
    if args.output:
        write_result(problem, schedule, args.output)
    else:
        sys.stdout.buffer.write(dumps_result(problem, schedule).encode())
        sys.stdout.flush()
    return 0
