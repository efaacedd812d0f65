"""The fair scheduling engine on generated fairs of three sizes, through the real command line.

Every run is a child process (``python -m sangdam.scheduling``, which is ``sangdam schedule``
without Django's start-up), so the wall time includes Python's start, reading and checking the
JSON instance and writing the JSON result, and the peak memory is that process's own.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from bench.fair_instances import SIZES, FairSize, write_instance
from bench.report import OUT, Section, machine, run_child, table, today
from sangdam.scheduling import (
    Problem,
    derive_pairs,
    find_violations,
    loads_result,
    read_instance,
)

OPTIMIZE_SECONDS = {"S": 30, "M": 60, "L": 60}
TARGETS = {"greedy M": 1.5, "greedy L": 10.0, "peak L": 1.5 * 1024**3}
COMMAND = "nice -n 10 .venv/bin/python -m bench"


@dataclass(frozen=True, slots=True)
class Run:
    size: str
    mode: str
    seconds: float
    peak_bytes: int
    result: dict[str, object]
    violations: int


def _schedule(size: FairSize, instance: Path, problem: Problem, mode: str) -> Run:
    output = OUT / f"fair-{size.name}.{mode}.json"
    command = [sys.executable, "-m", "sangdam.scheduling", str(instance), "-o", str(output)]
    if mode == "optimize":
        command += ["--mode", "optimize", "--time-limit", str(OPTIMIZE_SECONDS[size.name])]
    child = run_child(command)
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}): {child.stderr}")
    text = output.read_bytes()
    violations = find_violations(problem, loads_result(problem, text))
    return Run(size.name, mode, child.seconds, child.peak_bytes, json.loads(text), len(violations))


def _deterministic(size: FairSize, instance: Path) -> bool:
    """Whether two greedy runs give the same bytes, apart from stats.seconds."""
    texts = []
    for n in (1, 2):
        output = OUT / f"fair-{size.name}.greedy-{n}.json"
        run_child([sys.executable, "-m", "sangdam.scheduling", str(instance), "-o", str(output)])
        texts.append(re.sub(rb'"seconds": [0-9.]+', b"", output.read_bytes()))
    return texts[0] == texts[1]


def _stats(run: Run) -> dict[str, object]:
    stats = run.result["stats"]
    assert isinstance(stats, dict)
    return stats


def _classes(data: object) -> str:
    assert isinstance(data, dict)
    return "/".join(str(data[c]) for c in ("1", "2", "3"))


def _mb(size: int) -> str:
    return f"{size / 1024**2:,.0f} MB"


def run() -> Section:
    OUT.mkdir(parents=True, exist_ok=True)
    instances: list[list[str]] = []
    runs: list[Run] = []
    deterministic: dict[str, bool] = {}
    for size in SIZES.values():
        print(f"scheduling: fair {size.name}: generating, greedy, optimize ...", flush=True)
        path = write_instance(size, OUT)
        problem = read_instance(path)
        pairs = derive_pairs(problem)
        instances.append(
            [
                size.name,
                f"{size.buyers:,} x {size.sellers:,}",
                f"{size.days} x {len(problem.slots) // size.days}",
                f"{size.tables:,}",
                f"{len(problem.requests):,}",
                f"{len(pairs):,}",
                "/".join(str(sum(p.pair_class == c for p in pairs)) for c in (1, 2, 3)),
                f"{len(problem.fixed)}",
                f"{path.stat().st_size / 1024**2:.1f} MB",
            ]
        )
        runs.append(_schedule(size, path, problem, "greedy"))
        if size.name != "L":
            deterministic[size.name] = _deterministic(size, path)
        runs.append(_schedule(size, path, problem, "optimize"))
        del problem, pairs

    greedy = {r.size: r for r in runs if r.mode == "greedy"}
    rows = []
    for r in runs:
        stats = _stats(r)
        extra = (
            ""
            if r.mode == "greedy"
            else f"+{_classes(stats['extra_vs_greedy'])}".replace("/", "/+")
        )
        optimizer = stats.get("optimizer")
        method = optimizer.get("method", "") if isinstance(optimizer, dict) else "rule"
        rows.append(
            [
                r.size,
                r.mode if r.mode == "greedy" else f"optimize {OPTIMIZE_SECONDS[r.size]} s",
                f"{r.seconds:.2f} s",
                f"{stats['seconds']:.2f} s",
                _mb(r.peak_bytes),
                f"{stats['meetings']:,}",
                _classes(stats["by_class"]),
                extra,
                "" if r.mode == "greedy" else f"{stats['bound']:,} ({stats['gap']:.1%})",
                str(method),
                str(r.violations),
            ]
        )

    def never_worse(size: str) -> bool:
        optimized = next(r for r in runs if r.size == size and r.mode == "optimize")
        by_class = _classes(_stats(optimized)["by_class"]).split("/")
        base = _classes(_stats(greedy[size])["by_class"]).split("/")
        return [int(x) for x in by_class] >= [int(x) for x in base] and optimized.violations == 0

    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    targets = [
        [
            "greedy M, wall incl. JSON in/out",
            "< 1.5 s",
            f"{greedy['M'].seconds:.2f} s",
            verdict(greedy["M"].seconds < TARGETS["greedy M"]),
        ],
        [
            "greedy L, wall incl. JSON in/out",
            "< 10 s",
            f"{greedy['L'].seconds:.2f} s",
            verdict(greedy["L"].seconds < TARGETS["greedy L"]),
        ],
        [
            "greedy L, peak memory",
            "< 1.5 GB",
            _mb(greedy["L"].peak_bytes),
            verdict(greedy["L"].peak_bytes < TARGETS["peak L"]),
        ],
        [
            "optimize M (60 s): valid, never behind the rule",
            "yes",
            "yes" if never_worse("M") else "no",
            verdict(never_worse("M")),
        ],
        [
            "greedy output byte-identical over two runs (S, M)",
            "yes",
            "yes" if all(deterministic.values()) else "no",
            verdict(all(deterministic.values())),
        ],
        [
            "no hard constraint broken (every run above)",
            "0",
            str(sum(r.violations for r in runs)),
            verdict(all(r.violations == 0 for r in runs)),
        ],
    ]

    markdown = "\n".join(
        [
            "## Fair scheduling engine",
            "",
            f"Measured {today()} on {machine()}, OR-Tools {version('ortools')}, with",
            f"`{COMMAND}` (what `make bench` runs; `python -m bench scheduling` runs this alone).",
            "Each run is `python -m sangdam.scheduling INSTANCE -o RESULT [--mode optimize",
            "--time-limit S]` in a child process: wall time from process start to exit, so it",
            "includes Python's start-up, reading and checking the instance and writing the",
            "result; peak memory is the child's maximum resident set. Every result is read back",
            "and checked with `find_violations`. Instances are generated by",
            "`bench/fair_instances.py` (seeded, written to `bench/out/`).",
            "",
            "Instances (pairs by class: mutual / buyer's request / seller's request):",
            "",
            table(
                [
                    "fair",
                    "buyers x sellers",
                    "days x slots",
                    "tables",
                    "requests",
                    "pairs",
                    "pairs by class",
                    "fixed",
                    "file",
                ],
                instances,
            ),
            "",
            "Results (meetings by class 1/2/3, fixed meetings counted in the total; bound = proven",
            "upper bound on the total, with the gap to it):",
            "",
            table(
                [
                    "fair",
                    "mode",
                    "wall",
                    "engine",
                    "peak memory",
                    "meetings",
                    "by class",
                    "extra vs rule",
                    "bound (gap)",
                    "method",
                    "violations",
                ],
                rows,
            ),
            "",
            "Targets (issue 3):",
            "",
            table(["target", "wanted", "measured", ""], targets),
        ]
    )
    return Section("scheduling", markdown)
