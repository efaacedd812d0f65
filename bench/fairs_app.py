"""The fair web app at the size of a large export fair (issue 4), on its own database.

One fair of 300 buyers, 3,000 sellers and 40,000 requests (``bench/fair_instances.py``'s fair M):

- import → schedule (greedy) → save, end to end through the code the organizer's pages and
  ``sangdam fair`` use: ``engine_mapping.import_instance`` and ``sangdam.fairs.scheduling.
  execute_run``; the stored schedule is read back (``current_schedule``, what ``sangdam fair
  export`` writes), checked with ``find_violations`` and compared with the engine's own result;
- the server time of the counterpart search page and the request-status page for the
  participants with the most requests, through Django's test client signed in as each of them.

Each database runs in a child process (``python -m bench.fairs_app measure``) with a fresh
database: a temporary SQLite file, and a throw-away PostgreSQL cluster through
``scripts/with-postgres.sh`` when the PostgreSQL server is installed.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.fair_instances import SIZES, write_instance
from bench.report import OUT, ROOT, Section, machine, run_child, setup_django, table, today

SIZE = SIZES["M"]
PAGES = {"fairs:counterparts": "counterpart search", "fairs:requests": "request status"}
PEOPLE_PER_SIDE = 3
WARM_UP = 2
REPEATS = 30
PASSWORD = "bench-pass-1234"  # noqa: S105 -- a throw-away database's participants
TARGETS = {"end to end": 10.0, "page p95": 0.300}
COMMAND = "nice -n 10 .venv/bin/python -m bench fairs_app"
WITH_POSTGRES = ROOT / "scripts" / "with-postgres.sh"


# ------------------------------------------------------------------------- the measuring child


def _timed(results: dict[str, Any], name: str, action: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    value = action()
    results[name] = time.perf_counter() - started
    print(f"  {name}: {results[name]:.2f} s", file=sys.stderr, flush=True)
    return value


def measure(instance: Path, database: str, output: Path) -> None:
    """Run every measurement on a fresh database and write the figures as JSON to ``output``."""
    with tempfile.TemporaryDirectory(prefix="sangdam-bench-") as directory:
        setup_django(database, Path(directory))
        from django.core.management import call_command  # noqa: PLC0415 -- after setup
        from django.db import connection  # noqa: PLC0415 -- after setup

        print(f"fairs_app ({connection.vendor}): migrating", file=sys.stderr, flush=True)
        call_command("migrate", verbosity=0)
        results: dict[str, Any] = {"vendor": connection.vendor}
        event = _import_and_schedule(instance, results)
        results["pages"] = _pages(event)
        results["peak_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        output.write_text(json.dumps(results, indent=2), encoding="utf-8")


def _import_and_schedule(instance: Path, results: dict[str, Any]) -> Any:
    from sangdam.core.models import Organization  # noqa: PLC0415 -- after setup
    from sangdam.core.tenancy import tenant_scope  # noqa: PLC0415 -- after setup
    from sangdam.fairs import engine_mapping, services  # noqa: PLC0415 -- after setup
    from sangdam.fairs.scheduling import execute_run  # noqa: PLC0415 -- after setup
    from sangdam.scheduling import (  # noqa: PLC0415 -- the engine's own answer, to compare
        dumps_result,
        find_violations,
        read_instance,
        solve,
    )

    organization = Organization.objects.create(service_name="bench", name="Benchmark")
    print("fairs_app: import, schedule, export", file=sys.stderr, flush=True)
    started = time.perf_counter()
    problem = _timed(results, "read", lambda: read_instance(instance))
    with tenant_scope(organization):
        event = _timed(
            results,
            "import",
            lambda: engine_mapping.import_instance(organization, problem, name="Benchmark fair"),
        )
        run = services.create_run(event=event, mode="greedy", time_limit=None, requested_by=None)
        stats = _timed(results, "schedule", lambda: execute_run(run))
        results["end_to_end"] = time.perf_counter() - started
        if run.status != "done":
            raise RuntimeError(f"scheduling run failed: {run.error}")
        results["stats"] = stats
        stored, schedule = _timed(results, "export", lambda: engine_mapping.current_schedule(event))
    results["violations"] = len(find_violations(stored, schedule))
    engine = solve(problem, mode="greedy")
    exported, expected = (
        json.loads(dumps_result(p, s)) for p, s in ((stored, schedule), (problem, engine))
    )
    results["same_as_engine"] = (exported["meetings"], exported["waiting"]) == (
        expected["meetings"],
        expected["waiting"],
    )
    return event


def _pages(event: Any) -> dict[str, Any]:
    from django.db import connection  # noqa: PLC0415 -- after setup
    from django.test import Client, override_settings  # noqa: PLC0415 -- after setup
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415 -- after setup
    from django.urls import NoReverseMatch, reverse  # noqa: PLC0415 -- after setup

    from sangdam.core.tenancy import tenant_scope  # noqa: PLC0415 -- after setup
    from sangdam.fairs.models import MeetingRequest, Participant  # noqa: PLC0415 -- after setup

    urls: dict[str, str] = {}
    missing = []
    for name in PAGES:
        try:
            urls[name] = reverse(name)
        except NoReverseMatch:
            missing.append(name)
    if missing:
        print(f"fairs_app: pages not there yet: {', '.join(missing)}", file=sys.stderr)
        return {"missing": missing}

    with tenant_scope(event.organization):
        total: Counter[int] = Counter()
        live: Counter[int] = Counter()
        for requester, recipient, status in MeetingRequest.objects.filter(event=event).values_list(
            "requester_id", "recipient_id", "status"
        ):
            for pk in (requester, recipient):
                total[pk] += 1
                live[pk] += status in ("pending", "accepted")
        busiest: list[Any] = []
        for side in ("buyer", "seller"):
            people = list(Participant.objects.filter(event=event, side=side).select_related("user"))
            people.sort(key=lambda p: (-total[p.pk], p.code))
            busiest += people[:PEOPLE_PER_SIDE]
        for person in busiest:
            person.user.set_password(PASSWORD)
            person.user.must_change_password = False
            person.user.save(update_fields=["password", "must_change_password"])

    print("fairs_app: pages", file=sys.stderr, flush=True)
    pages: dict[str, Any] = {
        "people": [],
        "times": {name: [] for name in PAGES},
        "cpu": {name: [] for name in PAGES},
    }
    # Production settings for the request path: no SQL log, no template debugging.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        for person in busiest:
            client = Client()
            response = client.post(
                "/login/",
                {
                    "service_name": event.organization.service_name,
                    "username": person.user.username,
                    "password": PASSWORD,
                },
            )
            if response.status_code != 302:
                raise RuntimeError(f"cannot sign in as {person.user.username}")
            row: dict[str, Any] = {
                "code": person.code,
                "side": person.side,
                "requests": total[person.pk],
                "live": live[person.pk],
            }
            for name, url in urls.items():
                for _ in range(WARM_UP):
                    _get(client, url)
                with CaptureQueriesContext(connection) as queries:
                    size = len(_get(client, url).content)
                row[f"{name} queries"] = len(queries.captured_queries)
                row[f"{name} bytes"] = size
                times, cpu = [], []
                for _ in range(REPEATS):
                    started, started_cpu = time.perf_counter(), time.process_time()
                    _get(client, url)
                    times.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - started_cpu)
                row[f"{name} p50"] = statistics.median(times)
                pages["times"][name] += times
                pages["cpu"][name] += cpu
            pages["people"].append(row)
            print(f"  {person.code}: done", file=sys.stderr, flush=True)
    return pages


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


# ------------------------------------------------------------------------------ the harness side


@dataclass(frozen=True, slots=True)
class Measured:
    database: str
    results: dict[str, Any]
    peak_bytes: int


def _postgres_available() -> bool:
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def _measure(instance: Path, database: str) -> Measured:
    with tempfile.TemporaryDirectory(prefix="sangdam-bench-out-") as directory:
        output = Path(directory) / "results.json"
        command = [
            sys.executable,
            "-m",
            "bench.fairs_app",
            "measure",
            str(instance),
            "--database",
            database,
            "--output",
            str(output),
        ]
        if database == "postgresql":
            command = [str(WITH_POSTGRES), *command]
        child = run_child(command)
        if child.returncode != 0 or not output.exists():
            raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}): {child.stderr}")
        results = json.loads(output.read_text(encoding="utf-8"))
    return Measured(database, results, int(results["peak_bytes"]))


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _paragraph(*parts: str) -> str:
    return textwrap.fill(" ".join(parts), width=95, break_on_hyphens=False)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def run() -> Section:
    OUT.mkdir(parents=True, exist_ok=True)
    instance = write_instance(SIZE, OUT)
    databases = ["sqlite", *(["postgresql"] if _postgres_available() else [])]
    measured = []
    for database in databases:
        print(f"fairs_app: fair {SIZE.name} on {database} ...", flush=True)
        measured.append(_measure(instance, database))
    return _section(measured)


def _section(measured: list[Measured]) -> Section:
    databases = [m.database for m in measured]
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

    import_rows = []
    for m in measured:
        r = m.results
        stats = r["stats"]
        by_class = stats["by_class"]
        import_rows.append(
            [
                label[m.database],
                f"{r['read']:.2f} s",
                f"{r['import']:.2f} s",
                f"{r['schedule']:.2f} s ({stats['seconds']:.2f} s engine)",
                f"**{r['end_to_end']:.2f} s**",
                f"{r['export']:.2f} s",
                f"{stats['meetings']:,} ({by_class['1']}/{by_class['2']}/{by_class['3']})",
                f"{stats['waiting']:,}",
                str(r["violations"]),
                "yes" if r["same_as_engine"] else "**no**",
                f"{m.peak_bytes / 1024**2:,.0f} MB",
            ]
        )

    page_rows = []
    people_rows = []
    missing_pages = []
    for m in measured:
        pages = m.results["pages"]
        if "missing" in pages:
            missing_pages = pages["missing"]
            continue
        for name, title in PAGES.items():
            times = pages["times"][name]
            page_rows.append(
                [
                    label[m.database],
                    f"{title} (`{name}`)",
                    str(len(times)),
                    _ms(statistics.median(times)),
                    _ms(_percentile(times, 0.95)),
                    _ms(max(times)),
                    _ms(statistics.median(pages["cpu"][name])),
                    _ms(_percentile(pages["cpu"][name], 0.95)),
                ]
            )
        if m.database == "sqlite":
            for person in pages["people"]:
                people_rows.append(
                    [
                        f"{person['code']} ({person['side']})",
                        f"{person['requests']:,} ({person['live']:,} live)",
                        *(
                            f"{_ms(person[f'{name} p50'])}, {person[f'{name} queries']} queries,"
                            f" {person[f'{name} bytes'] / 1024:,.0f} KB"
                            for name in PAGES
                        ),
                    ]
                )

    slowest = max(m.results["end_to_end"] for m in measured)
    targets = [
        [
            "import → schedule (greedy) → save, fair M",
            "< 10 s",
            f"{slowest:.2f} s",
            _verdict(slowest < TARGETS["end to end"]),
        ],
    ]
    if page_rows:
        worst = max(
            _percentile(m.results["pages"]["times"][name], 0.95) for m in measured for name in PAGES
        )
        targets.append(
            ["page server time p95", "< 300 ms", _ms(worst), _verdict(worst < TARGETS["page p95"])]
        )
    else:
        targets.append(["page server time p95", "< 300 ms", "not measured", "(pages missing)"])

    postgres_note = (
        "and a throw-away PostgreSQL cluster (`scripts/with-postgres.sh`)."
        if "postgresql" in databases
        else "(no PostgreSQL server is installed here)."
    )
    lines = [
        "## Fair web app",
        "",
        _paragraph(
            f"Measured {today()} on {machine()}, with `{COMMAND}` (`make bench` runs it with the",
            f"others), on fair {SIZE.name} of `bench/fair_instances.py`: {SIZE.buyers:,} buyers,",
            f"{SIZE.sellers:,} sellers, {SIZE.days} days of 16 slots, {SIZE.tables} tables,",
            f"{SIZE.requests:,} requests. Each database is a fresh one in its own child process:",
            "a temporary SQLite file (WAL, as the embedded default)",
            postgres_note,
        ),
        "",
        _paragraph(
            "Import → schedule → save, end to end: reading the JSON instance (`read_instance`),",
            "`engine_mapping.import_instance` (event, slots, participants with their accounts,",
            "availability, requests, fixed meetings), then one greedy `SchedulingRun` created by",
            "`services.create_run` and executed by `sangdam.fairs.scheduling.execute_run` as the",
            "worker does (map the event to the engine, solve, save meetings and waiting list).",
            "*Export* is `engine_mapping.current_schedule` (what `sangdam fair export` writes),",
            "not part of the end-to-end time; the exported schedule is checked with",
            "`find_violations` and compared with `sangdam.scheduling.solve` on the same instance",
            "(meetings and waiting list). Meetings by class: mutual / buyer's / seller's request.",
        ),
        "",
        table(
            [
                "database",
                "read",
                "import",
                "schedule + save",
                "end to end",
                "export",
                "meetings",
                "waiting",
                "violations",
                "same as engine",
                "peak memory",
            ],
            import_rows,
        ),
        "",
    ]
    if page_rows:
        lines += [
            _paragraph(
                "Pages: server time of `client.get` through the whole middleware stack, signed in",
                f"(through the login form) as the {PEOPLE_PER_SIDE} buyers and {PEOPLE_PER_SIDE}",
                f"sellers with the most requests; {WARM_UP} warm-up requests, then {REPEATS} timed",
                "ones per page and participant, with `DEBUG` off; each page as it first opens (no",
                "filter, first page). p50/p95/max are wall times; CPU is the Django process's",
                "own CPU time, which leaves out waiting for a busy machine's cores (and, on",
                "PostgreSQL, the database server's work).",
            ),
            "",
            table(
                ["database", "page", "requests", "p50", "p95", "max", "CPU p50", "CPU p95"],
                page_rows,
            ),
            "",
            _paragraph(
                "Per participant (SQLite): requests sent and received; each page's p50, its SQL",
                "queries and its size:",
            ),
            "",
            table(["participant", "requests", *(title for title in PAGES.values())], people_rows),
            "",
        ]
    else:
        lines += [
            f"Pages: not measured: the url names {', '.join(missing_pages)} do not exist yet.",
            "",
        ]
    lines += ["Targets (issue 4):", "", table(["target", "wanted", "measured", ""], targets)]
    return Section("fairs_app", "\n".join(lines))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fairs_app")
    actions = parser.add_subparsers(dest="action", required=True)
    child = actions.add_parser("measure", help="measure on one fresh database (the child)")
    child.add_argument("instance", type=Path)
    child.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    child.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    measure(args.instance, args.database, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
