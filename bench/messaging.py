"""Messaging at the size of a large bulk send (issue 6), on SQLite and on PostgreSQL.

- compose and queue: ``sangdam.messaging.sending.send_messages`` with 100,000 recipients (60,000
  of them registered customers, 1,000 opted out and 1,000 on the 080 list, 500 typed twice),
  a body with {고객명} and {오늘날짜}: numbers checked, customers looked up, opt-outs dropped,
  every message filled in, counted, typed and stored in one transaction;
- filling in and counting: ``sangdam.messaging.text.render_for`` for 100,000 recipients, alone
  (pure Python, no database);
- handing over: ``sending.dispatch_due`` with the in-memory gateway for 10,000 due messages,
  which is the database's share of sending (claim, mark, record) without any network.

Each database runs in a child process (``python -m bench.messaging measure``) on a fresh
database: a temporary SQLite file, and a throw-away PostgreSQL cluster through
``scripts/with-postgres.sh`` when the PostgreSQL server is installed.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.report import ROOT, Section, machine, run_child, setup_django, table, today

RECIPIENTS = 100_000
CUSTOMERS = 60_000
OPTED_OUT = 1_000
LISTED = 1_000
TYPED_TWICE = 500
DISPATCHED = 10_000
REPEATS = 3
BODY = (
    "{고객명}님 안녕하세요. {오늘날짜} 래미안 센트럴 관리사무소입니다. "
    "이번 주 토요일 오전 10시부터 12시까지 엘리베이터 정기 점검이 있습니다."
)
TARGETS = {"compose": 30.0, "render": 5.0}
COMMAND = "nice -n 10 .venv/bin/python -m bench messaging"
WITH_POSTGRES = ROOT / "scripts" / "with-postgres.sh"
NAMES = "김이박최정강조윤장임한오서신권황안송류전홍"


def _number(index: int) -> str:
    return f"010{10_000_000 + index:08d}"


def _recipients() -> list[Any]:
    from sangdam.messaging.recipients import Recipient  # noqa: PLC0415 -- after setup

    chosen = [
        Recipient(_number(i) if i % 2 else f"{_number(i)[:3]}-{_number(i)[3:7]}-{_number(i)[7:]}")
        for i in range(RECIPIENTS - TYPED_TWICE)
    ]
    chosen += [Recipient(_number(i)) for i in range(TYPED_TWICE)]
    random.Random(6).shuffle(chosen)
    return chosen


def _arrange() -> tuple[Any, Any]:
    from sangdam.accounts.audit import Actor  # noqa: PLC0415 -- after setup
    from sangdam.accounts.enums import Role  # noqa: PLC0415 -- after setup
    from sangdam.accounts.models import User  # noqa: PLC0415 -- after setup
    from sangdam.core.models import Organization  # noqa: PLC0415 -- after setup
    from sangdam.crm.models import Customer  # noqa: PLC0415 -- after setup
    from sangdam.messaging.enums import OptOutSource  # noqa: PLC0415 -- after setup
    from sangdam.messaging.models import MessagingSettings, OptOutNumber  # noqa: PLC0415

    organization = Organization.objects.create(service_name="bench", name="Benchmark")
    agent = User.objects.create(
        organization=organization, username="agent", name="상담원", role=Role.AGENT
    )
    MessagingSettings.all_objects.create(organization=organization, sender_number="0215880000")
    rng = random.Random(5)
    Customer.all_objects.bulk_create(
        (
            Customer(
                organization=organization,
                name=rng.choice(NAMES) + rng.choice(NAMES) + rng.choice(NAMES),
                mobile=_number(i),
                apartment="래미안 센트럴",
                block=f"{101 + i % 20}",
                unit=f"{100 + i % 1500}",
                sms_opt_out=i % (CUSTOMERS // OPTED_OUT) == 0,
            )
            for i in range(CUSTOMERS)
        ),
        batch_size=5000,
    )
    OptOutNumber.all_objects.bulk_create(
        OptOutNumber(
            organization=organization,
            phone=_number(CUSTOMERS + i * 7),
            source=OptOutSource.CALL_080,
        )
        for i in range(LISTED)
    )
    return organization, Actor(agent, "127.0.0.1")


def _render_times() -> list[float]:
    from sangdam.messaging import text  # noqa: PLC0415 -- after setup

    rng = random.Random(7)
    names = [rng.choice(NAMES) + rng.choice(NAMES) + rng.choice(NAMES) for _ in range(RECIPIENTS)]
    times = []
    for _ in range(5):
        started = time.perf_counter()
        kinds = [
            text.render_for(BODY, name=name, date_text="2026-11-23", has_image=False).kind
            for name in names
        ]
        times.append(time.perf_counter() - started)
        assert len(kinds) == RECIPIENTS
    return times


def measure(database: str, output: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="sangdam-bench-") as directory:
        setup_django(database, Path(directory))
        from django.core.management import call_command  # noqa: PLC0415 -- after setup
        from django.db import connection  # noqa: PLC0415 -- after setup
        from django.db.models import Count  # noqa: PLC0415 -- after setup

        from sangdam.core.tenancy import tenant_scope  # noqa: PLC0415 -- after setup
        from sangdam.messaging import sending  # noqa: PLC0415 -- after setup
        from sangdam.messaging.gateways.memory import MemoryGateway  # noqa: PLC0415
        from sangdam.messaging.models import Message  # noqa: PLC0415 -- after setup

        print(f"messaging ({connection.vendor}): migrating", file=sys.stderr, flush=True)
        call_command("migrate", verbosity=0)
        results: dict[str, Any] = {"vendor": connection.vendor}
        organization, actor = _arrange()
        recipients = _recipients()
        compose: list[float] = []
        with tenant_scope(organization):
            for repeat in range(REPEATS):
                started = time.perf_counter()
                job = sending.send_messages(
                    actor=actor,
                    draft=sending.Draft(recipients, BODY, title="점검 안내"),
                    gateway_supports_mms=True,
                )
                compose.append(time.perf_counter() - started)
                print(f"  compose {repeat + 1}: {compose[-1]:.2f} s", file=sys.stderr, flush=True)
            results["job"] = {
                "recipients": job.recipient_count,
                "skipped": job.skipped_count,
                "duplicates": job.duplicate_count,
                "kinds": dict(
                    Message.objects.filter(job=job).values_list("kind").annotate(n=Count("pk"))
                ),
            }
            # Only the last job's first DISPATCHED messages are due; the rest wait.
            waiting = Message.objects.filter(state__in=["QUEUED"])
            keep = list(waiting.filter(job=job).order_by("pk").values_list("pk", flat=True))
            keep = keep[:DISPATCHED]
            waiting.exclude(pk__in=keep).update(state="CANCELLED")
        started = time.perf_counter()
        sent = 0
        while True:
            summary = sending.dispatch_due(gateway=MemoryGateway(), batch=200, budget=3600)
            sent += summary.sent
            if not summary.more:
                break
        results["dispatch"] = {"seconds": time.perf_counter() - started, "sent": sent}
        results["compose"] = compose
        results["render"] = _render_times()
        output.write_text(json.dumps(results, indent=2), encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Measured:
    database: str
    results: dict[str, Any]
    peak_bytes: int


def _measure(database: str) -> Measured:
    with tempfile.TemporaryDirectory(prefix="sangdam-bench-out-") as directory:
        output = Path(directory) / "results.json"
        command = [sys.executable, "-m", "bench.messaging", "measure", database, str(output)]
        if database == "postgresql":
            command = [str(WITH_POSTGRES), *command]
        child = run_child(command)
        if child.returncode != 0 or not output.exists():
            raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}): {child.stderr}")
        results = json.loads(output.read_text(encoding="utf-8"))
    return Measured(database, results, child.peak_bytes)


def run() -> Section:
    databases = ["sqlite"]
    if any(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        databases.append("postgresql")
    measured = []
    for database in databases:
        print(f"messaging: {database} ...", flush=True)
        measured.append(_measure(database))
    return _section(measured)


def _section(measured: list[Measured]) -> Section:
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    rows = []
    for m in measured:
        r = m.results
        job = r["job"]
        rows.append(
            [
                label[m.database],
                f"{statistics.median(r['compose']):.2f} s",
                f"{max(r['compose']):.2f} s",
                f"{job['recipients']:,} + {job['skipped']:,} opted out, "
                f"{job['duplicates']:,} merged",
                ", ".join(f"{k} {v:,}" for k, v in sorted(job["kinds"].items())),
                f"{statistics.median(r['render']):.2f} s",
                f"{r['dispatch']['sent'] / r['dispatch']['seconds']:,.0f} /s",
                f"{m.peak_bytes / 1024**2:,.0f} MB",
            ]
        )
    worst_compose = max(max(m.results["compose"]) for m in measured)
    worst_render = max(max(m.results["render"]) for m in measured)

    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    lines = [
        "## Messaging",
        "",
        textwrap.fill(
            f"Measured {today()} on {machine()}, with `{COMMAND}` (`make bench` runs it with the "
            f"others). A job of {RECIPIENTS:,} recipients ({CUSTOMERS:,} registered customers "
            f"among them, {OPTED_OUT:,} of those opted out, {LISTED:,} numbers on the 080 list, "
            f"{TYPED_TWICE:,} typed twice) with {{고객명}} and {{오늘날짜}} in an LMS-sized body, "
            f"composed and queued {REPEATS} times through `sending.send_messages` (the table of "
            "messages grows each time); filling in and counting alone (`text.render_for`, five "
            f"runs); and the worker handing {DISPATCHED:,} due messages to the in-memory gateway "
            "(`sending.dispatch_due`: claim, mark, record — the database's share of sending).",
            width=95,
        ),
        "",
        table(
            [
                "database",
                "compose + queue (median)",
                "slowest",
                "job",
                "types",
                "render + count 100k (median)",
                "hand-over rate",
                "peak memory",
            ],
            rows,
        ),
        "",
        table(
            ["target", "goal", "measured (worst)", ""],
            [
                [
                    "compose and queue 100,000 recipients",
                    "< 30 s",
                    f"{worst_compose:.2f} s",
                    verdict(worst_compose < TARGETS["compose"]),
                ],
                [
                    "fill in and count 100,000 messages",
                    "< 5 s",
                    f"{worst_render:.2f} s",
                    verdict(worst_render < TARGETS["render"]),
                ],
            ],
        ),
    ]
    return Section("messaging", "\n".join(lines))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.messaging")
    sub = parser.add_subparsers(dest="command", required=True)
    child = sub.add_parser("measure")
    child.add_argument("database", choices=["sqlite", "postgresql"])
    child.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    measure(args.database, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
