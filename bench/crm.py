"""The contact-center CRM at the size of a large tenant (issue 5): 1,000,000 customers and
5,000,000 tickets, on SQLite and on PostgreSQL.

Measured in a child process per database (``python -m bench.crm measure``):

- customer search: ``sangdam.crm.customers.search_customers`` and its first page of 50 rows, by a
  full mobile number typed with hyphens and without, and by a two-letter name prefix ("김민");
- pages, as GETs through Django's test client signed in (through the login form) as one of the
  30 agents: the customer search page (``crm:customers``), the work-queue page (``crm:queues``,
  every tab) and the 미완료 list (``crm:incomplete``, as it opens, 기간무시, one agent);
- the plan of every CRM query those pages run (``EXPLAIN QUERY PLAN`` / ``EXPLAIN``), checked for
  full scans of the customer and ticket tables.

The data is generated with raw ``executemany`` (SQLite) or ``COPY`` (PostgreSQL) in batches of
100,000 rows, with the tables' secondary indexes dropped during the load and recreated from
their own definitions (as the migrations made them) afterwards. Ticket history rows
(``TicketEvent``) are not generated: no measured page reads them.

The SQLite database is kept in ``bench/out/crm/`` under a name made from ``GENERATOR_VERSION``,
the sizes and every migration file, so ``make bench`` generates it only when one of those
changed (delete the folder to force it). A kept database is measured with Django's clock set
back to the moment it was generated, so "the last 7 days" hold the same tickets as on the day
it was made. PostgreSQL runs in a throw-away cluster (``scripts/with-postgres.sh``) and is
generated on every run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import hashlib
import itertools
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.report import OUT, ROOT, Section, machine, run_child, setup_django, table, today

# Bump when the generated data changes, so that a kept SQLite database is made again.
GENERATOR_VERSION = "1"
CUSTOMERS = 1_000_000
TICKETS = 5_000_000
AGENTS = 30
BATCH = 100_000
SAMPLES = 200
OTHER_PAGE_SAMPLES = 60
WARM_UP = 10
# A case slower than this in all stops early, with at least MIN_SAMPLES samples.
BUDGET = 40.0
MIN_SAMPLES = 10
SEED = 20260505
PASSWORD = "bench-pass-1234"  # noqa: S105 -- a throw-away database's agents
TARGETS = {"search": 0.100, "list": 0.200}
COMMAND = ".venv/bin/python -m bench crm"
WITH_POSTGRES = ROOT / "scripts" / "with-postgres.sh"
CACHE = OUT / "crm"
# Bytes a generated SQLite database takes per customer and per ticket, with every index.
BYTES_PER_ROW = {"customer": 400, "ticket": 900}

DAY_US = 86_400_000_000
MINUTE_US = 60_000_000
HISTORY_DAYS = 730
LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True, slots=True)
class Sizes:
    customers: int
    tickets: int


def cache_key(sizes: Sizes) -> str:
    """The kept database's name: the generator, the sizes and the schema it was made with."""
    digest = hashlib.sha256(f"{GENERATOR_VERSION} {sizes.customers} {sizes.tickets}".encode())
    for path in sorted((ROOT / "sangdam").glob("*/migrations/*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# ------------------------------------------------------------------------- the measuring child


def _log(message: str) -> None:
    print(f"crm: {message}", file=sys.stderr, flush=True)


def measure(database: str, db_file: Path | None, output: Path, sizes: Sizes, samples: int) -> None:
    """Generate (or reuse) the database, measure, and write the figures as JSON to ``output``."""
    with (
        _exclusive(db_file) if db_file is not None else contextlib.nullcontext(),
        tempfile.TemporaryDirectory(prefix="sangdam-bench-") as directory,
    ):
        meta_file = db_file.with_suffix(".json") if db_file else None
        meta: dict[str, Any] | None = None
        if meta_file is not None and meta_file.exists() and db_file and db_file.exists():
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        elif db_file is not None:
            _check_disk(db_file.parent, sizes)
            db_file.unlink(missing_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        setup_django(database, Path(directory), db_file)
        from django.core.management import call_command  # noqa: PLC0415 -- after setup
        from django.db import connection  # noqa: PLC0415 -- after setup

        reused = meta is not None
        _log(f"{connection.vendor}: migrating")
        call_command("migrate", verbosity=0)
        if meta is None:
            meta = _generate(sizes)
            if meta_file is not None:
                meta_file.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        else:
            _log(f"reusing {db_file} (generated {meta['generated_at']})")
            _set_clock(dt.datetime.fromisoformat(meta["generated_at"]))
        results: dict[str, Any] = {
            "vendor": connection.vendor,
            "generation": meta,
            "cached": reused,
        }
        if connection.vendor == "sqlite":
            _statistics(present=False)
            results["runs"] = [_measure_all("SQLite", samples, shape=True)]
            _log("ANALYZE")
            results["analyze_seconds"] = _statistics(present=True)
            results["runs"].append(_measure_all("SQLite + ANALYZE", samples, shape=False))
        else:
            results["runs"] = [_measure_all("PostgreSQL", samples, shape=True)]
        output.write_text(json.dumps(results, indent=2), encoding="utf-8")


@contextmanager
def _exclusive(db_file: Path) -> Iterator[None]:
    """One run at a time on the kept database; older kept databases are removed."""
    db_file.parent.mkdir(parents=True, exist_ok=True)
    with (db_file.parent / "lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _log(f"waiting for another run on {db_file.parent}")
            fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in db_file.parent.glob("bench-*"):
            if not stale.name.startswith(db_file.stem):
                stale.unlink()
        yield


def _check_disk(directory: Path, sizes: Sizes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    needed = 2 * (
        sizes.customers * BYTES_PER_ROW["customer"] + sizes.tickets * BYTES_PER_ROW["ticket"]
    )
    free = shutil.disk_usage(directory).free
    if free < needed:
        raise SystemExit(
            f"crm: {directory} has {free / 1024**3:.1f} GB free, the database needs about"
            f" {needed / 1024**3:.1f} GB while it is made; free some space or pass smaller"
            " --customers/--tickets"
        )


def _set_clock(generated_at: dt.datetime) -> None:
    """Django's clock, set back to the moment the kept database was generated."""
    from django.utils import timezone  # noqa: PLC0415 -- after setup

    real = timezone.now
    offset = real() - generated_at
    setattr(timezone, "now", lambda: real() - offset)  # noqa: B010 -- patching a module
    _log(f"clock set back by {offset}")


# ------------------------------------------------------------------------------- generation


@dataclass
class _Tenant:
    organization: Any
    admin_id: int
    agent_ids: list[int]
    story_type: list[int]
    story_title: list[str]
    story_content: list[str]


def _generate(sizes: Sizes) -> dict[str, Any]:
    from django.db import connection  # noqa: PLC0415 -- after setup
    from django.utils import timezone  # noqa: PLC0415 -- after setup

    now = timezone.now()
    phases: dict[str, float] = {}
    started = time.perf_counter()
    tenant = _tenant()
    writer = _Writer(connection.vendor)
    indexes = writer.drop_indexes(["crm_customer", "crm_ticket"])
    with writer.bulk():
        rng = random.Random(SEED)
        _log(f"generating {sizes.customers:,} customers")
        mark = time.perf_counter()
        names, mobiles = _load_customers(writer, tenant, sizes.customers, now, rng)
        phases["customers"] = time.perf_counter() - mark
        _log(f"  {phases['customers']:.1f} s; generating {sizes.tickets:,} tickets")
        mark = time.perf_counter()
        _load_tickets(writer, tenant, sizes, names, mobiles, now)
        phases["tickets"] = time.perf_counter() - mark
        _log(f"  {phases['tickets']:.1f} s; creating {len(indexes)} indexes")
        mark = time.perf_counter()
        writer.create_indexes(indexes)
        phases["indexes"] = time.perf_counter() - mark
    _log(f"  {phases['indexes']:.1f} s; analyzing")
    mark = time.perf_counter()
    writer.finish(sizes)
    phases["analyze"] = time.perf_counter() - mark
    phases["total"] = time.perf_counter() - started
    _log(f"  generated in {phases['total']:.1f} s")
    return {
        "generated_at": now.isoformat(),
        "customers": sizes.customers,
        "tickets": sizes.tickets,
        "agents": AGENTS,
        "phases": phases,
        "indexes": [name for name, _sql in indexes],
        "db_bytes": writer.size(),
    }


def _tenant() -> _Tenant:
    """The organization, its administrator and 30 agents, and the demo's type tree."""
    from django.contrib.auth.hashers import make_password  # noqa: PLC0415 -- after setup

    from sangdam.accounts.enums import Role  # noqa: PLC0415 -- after setup
    from sangdam.accounts.models import User  # noqa: PLC0415 -- after setup
    from sangdam.core.models import Organization  # noqa: PLC0415 -- after setup
    from sangdam.crm.demo import STORIES, create_types, korean_names  # noqa: PLC0415

    organization = Organization.objects.create(
        service_name="bench", name="Benchmark", licensed_agents=AGENTS + 5
    )
    password = make_password(PASSWORD)
    names = korean_names(random.Random(SEED + 1), AGENTS)
    admin = User.all_objects.create(
        organization=organization,
        username="admin",
        name="관리자",
        role=Role.ORG_ADMIN,
        password=password,
        must_change_password=False,
    )
    agents = User.all_objects.bulk_create(
        [
            User(
                organization=organization,
                username=f"agent{i:02d}",
                name=name,
                role=Role.AGENT,
                extension=f"{2000 + i}",
                password=password,
                must_change_password=False,
            )
            for i, name in enumerate(names, start=1)
        ]
    )
    types = create_types(organization)
    story_type, story_title, story_content = [], [], []
    for leaf, stories in STORIES.items():
        for title, content, _note in stories:
            story_type.append(types[leaf].pk)
            story_title.append(title)
            story_content.append(content)
    return _Tenant(
        organization=organization,
        admin_id=admin.pk,
        agent_ids=[agent.pk for agent in agents],
        story_type=story_type,
        story_title=story_title,
        story_content=story_content,
    )


class _Writer:
    """Rows into a table the fastest way each database offers."""

    def __init__(self, vendor: str) -> None:
        from django.db import connection  # noqa: PLC0415 -- after setup

        connection.ensure_connection()
        self.vendor = vendor
        self.raw: Any = connection.connection
        self.suffix = "+00" if vendor == "postgresql" else ""

    def drop_indexes(self, tables: list[str]) -> list[tuple[str, str]]:
        """Drop the tables' secondary indexes; returns their definitions to recreate them.

        They come back in the order the migrations made them: without statistics, SQLite's
        planner takes the first of two equally good indexes it finds, so the order matters.
        """
        if self.vendor == "sqlite":
            query = (
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                " AND tbl_name IN (SELECT value FROM json_each(?)) ORDER BY rowid"
            )
            found = self.raw.execute(query, (json.dumps(tables),)).fetchall()
        else:
            query = (
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
                " WHERE t.relname = ANY(%s) AND NOT EXISTS"
                " (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY i.oid"
            )
            found = self.raw.execute(query, (tables,)).fetchall()
        indexes = [(str(name), str(sql)) for name, sql in found]
        for name, _sql in indexes:
            self.raw.execute(f'DROP INDEX "{name}"')
        return indexes

    def create_indexes(self, indexes: list[tuple[str, str]]) -> None:
        if self.vendor == "postgresql":
            self.raw.execute("SET maintenance_work_mem = '1GB'")
        for _name, sql in indexes:
            self.raw.execute(sql)

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Loading mode: no journal and no foreign-key checks (the rows are right by making)."""
        if self.vendor == "sqlite":
            for pragma in (
                "foreign_keys = OFF",
                "journal_mode = OFF",
                "synchronous = OFF",
                "cache_size = -1000000",
            ):
                self.raw.execute(f"PRAGMA {pragma}").fetchall()
            try:
                yield
            finally:
                for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"):
                    self.raw.execute(f"PRAGMA {pragma}").fetchall()
        else:
            self.raw.execute("SET session_replication_role = replica")
            try:
                yield
            finally:
                self.raw.execute("SET session_replication_role = DEFAULT")

    def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        if self.vendor == "sqlite":
            marks = ", ".join("?" * len(columns))
            self.raw.execute("BEGIN")
            insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608 -- ours
            self.raw.executemany(insert, rows)
            self.raw.execute("COMMIT")
        else:
            with (
                self.raw.cursor() as cursor,
                cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
            ):
                for row in rows:
                    copy.write_row(row)

    def finish(self, sizes: Sizes) -> None:
        """Statistics as a running database has them; sequences past the loaded ids."""
        if self.vendor == "postgresql":
            for table in ("crm_customer", "crm_ticket"):
                self.raw.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608 -- ours
                    f" (SELECT max(id) FROM {table}))"
                )
                # What autovacuum does to a table after a large load.
                self.raw.execute(f"VACUUM ANALYZE {table}")
        from sangdam.crm.models import TicketCounter  # noqa: PLC0415 -- after setup

        organization = _organization()
        TicketCounter.all_objects.create(organization=organization, last_number=sizes.tickets)

    def size(self) -> int:
        if self.vendor == "sqlite":
            from django.db import connection  # noqa: PLC0415 -- after setup

            return Path(str(connection.settings_dict["NAME"])).stat().st_size
        return int(self.raw.execute("SELECT pg_database_size(current_database())").fetchone()[0])


def _organization() -> Any:
    from sangdam.core.models import Organization  # noqa: PLC0415 -- after setup

    return Organization.objects.get(service_name="bench")


BRANDS = ("래미안", "푸르지오", "자이", "힐스테이트", "e편한세상", "롯데캐슬", "아이파크", "더샵")
AREAS = (
    ("센트럴", "서울특별시 서초구 반포대로"),
    ("더 퍼스트", "경기도 성남시 분당구 판교역로"),
    ("리버뷰", "서울특별시 마포구 월드컵북로"),
    ("파크뷰", "경기도 수원시 영통구 광교중앙로"),
    ("레이크", "인천광역시 연수구 송도과학로"),
    ("스카이", "서울특별시 강서구 마곡중앙로"),
    ("포레", "경기도 고양시 일산동구 정발산로"),
    ("시티", "부산광역시 해운대구 센텀중앙로"),
    ("퍼스트힐", "대전광역시 유성구 대학로"),
    ("에듀포레", "경기도 용인시 수지구 풍덕천로"),
)

CUSTOMER_COLUMNS = (
    "id",
    "organization_id",
    "customer_code",
    "name",
    "mobile",
    "phone",
    "address",
    "apartment",
    "block",
    "unit",
    "move_in_date",
    "sms_opt_out",
    "is_vip",
    "needs_caution",
    "member_grade",
    "memo",
    "created_at",
    "created_by_id",
    "updated_at",
)


def _load_customers(
    writer: _Writer, tenant: _Tenant, count: int, now: dt.datetime, rng: random.Random
) -> tuple[list[str], list[str]]:
    """The customers, written in batches; returns every name and mobile number (by id - 1)."""
    import numpy as np  # noqa: PLC0415 -- only for generating

    from sangdam.crm.demo import korean_names  # noqa: PLC0415 -- after setup

    names = korean_names(rng, count)
    mobiles = [f"010{n:08d}" for n in rng.sample(range(100_000_000), count)]
    organization_id = tenant.organization.pk
    apartments = [f"{brand} {area}" for area, _road in AREAS for brand in BRANDS]
    roads = [road for _area, road in AREAS for _brand in BRANDS]
    numbers = np.random.default_rng(SEED + 3)
    now_us = int(now.timestamp() * 1_000_000)
    today = now.date().toordinal()
    for start in range(0, count, BATCH):
        n = min(BATCH, count - start)
        index = np.arange(start, start + n)
        home = numbers.integers(0, len(apartments), n).tolist()
        landline = numbers.random(n) < 0.2
        phone = numbers.integers(20_000_000, 99_999_999, n).tolist()
        road_number = numbers.integers(1, 400, n).tolist()
        block = numbers.integers(101, 116, n).tolist()
        floor = numbers.integers(1, 31, n).tolist()
        line = numbers.integers(1, 7, n).tolist()
        moved = numbers.random(n) >= 0.1
        move_in = (today - numbers.integers(-60, 2000, n)).tolist()
        created = _stamps(now_us - (count - index) * (3 * 365 * DAY_US // count), writer.suffix)
        flags = numbers.random((n, 3)) < (0.08, 0.03, 0.02)
        rows = [
            (
                start + i + 1,
                organization_id,
                f"ETS{start + i + 1:010d}",
                names[start + i],
                mobiles[start + i],
                f"02{phone[i]}" if landline[i] else "",
                f"{roads[home[i]]} {road_number[i]}",
                apartments[home[i]],
                f"{block[i]}동",
                f"{floor[i]}{line[i]:02d}호",
                dt.date.fromordinal(move_in[i]).isoformat() if moved[i] else None,
                bool(flags[i, 0]),
                bool(flags[i, 1]),
                bool(flags[i, 2]),
                "",
                "",
                created[i],
                tenant.admin_id,
                created[i],
            )
            for i in range(n)
        ]
        writer.insert("crm_customer", CUSTOMER_COLUMNS, rows)
    return names, mobiles


def _stamps(values: Any, suffix: str, present: Any = None) -> list[str | None]:
    """Microseconds since 1970 (UTC) as stored: SQLite keeps Django's naive UTC text,
    PostgreSQL reads the same with +00; None where ``present`` is false."""
    import numpy as np  # noqa: PLC0415 -- only for generating

    text = np.datetime_as_string(values.astype("datetime64[us]"), unit="us").tolist()
    if present is None:
        return [t.replace("T", " ") + suffix for t in text]
    return [
        t.replace("T", " ") + suffix if p else None
        for t, p in zip(text, present.tolist(), strict=True)
    ]


TICKET_COLUMNS = (
    "id",
    "organization_id",
    "number",
    "received_at",
    "customer_id",
    "customer_name",
    "customer_phone",
    "consultation_type_id",
    "channel",
    "direction",
    "call_result",
    "consultation_result",
    "order_number",
    "product_number",
    "title",
    "content",
    "admin_memo",
    "due_at",
    "recall_at",
    "recall_done_at",
    "status",
    "is_draft",
    "discarded_at",
    "discard_reason",
    "assignee_id",
    "transferred_by_id",
    "transferred_at",
    "completed_at",
    "completed_by_id",
    "follows_id",
    "created_at",
    "created_by_id",
    "updated_at",
    "updated_by_id",
    "version",
)
CHANNELS = ("01", "02", "03", "04", "05", "09")
CHANNEL_SHARES = (0.80, 0.05, 0.06, 0.04, 0.03, 0.02)
CALLBACK = 2


def _load_tickets(
    writer: _Writer,
    tenant: _Tenant,
    sizes: Sizes,
    names: list[str],
    mobiles: list[str],
    now: dt.datetime,
) -> None:
    """Tickets over two years in number order, most completed and the open ones mostly recent.

    Per ticket: 97 % for a registered customer; a transfer for 40 % of the open ones (half of
    the open callbacks arrive through the administrator) and 10 % of the completed ones; a
    recall for 3 %, done unless it is still ahead (or, for 5 %, forgotten); a due date for 5 %;
    0.3 % temp-saved drafts, 0.2 % discarded. Open: 40 % of the last week's tickets, 8 % of
    the weeks before up to two months, 1.5 % of older ones.
    """
    import numpy as np  # noqa: PLC0415 -- only for generating

    rng = np.random.default_rng(SEED)
    now_us = int(now.timestamp() * 1_000_000)
    start_us = now_us - HISTORY_DAYS * DAY_US
    step = (HISTORY_DAYS * DAY_US - MINUTE_US) / sizes.tickets
    agents = np.array(tenant.agent_ids, dtype=np.int64)
    story_type = np.array(tenant.story_type, dtype=np.int64)
    organization_id = tenant.organization.pk
    suffix = writer.suffix

    def stamps(values: Any, present: Any = None) -> list[str | None]:
        return _stamps(values, suffix, present)

    def ids(values: Any, present: Any) -> list[int | None]:
        return [v if p else None for v, p in zip(values.tolist(), present.tolist(), strict=True)]

    for start in range(0, sizes.tickets, BATCH):
        n = min(BATCH, sizes.tickets - start)
        index = np.arange(start, start + n, dtype=np.int64)
        received = (start_us + (index + rng.random(n)) * step).astype(np.int64)
        age = (now_us - received) / DAY_US
        is_open = rng.random(n) < np.select([age < 7, age < 60], [0.40, 0.08], 0.015)
        rest = rng.random(n)
        draft = ~is_open & (rest < 0.003)
        discarded = ~is_open & ~draft & (rest < 0.005)
        completed = ~is_open & ~draft & ~discarded
        channel = rng.choice(len(CHANNELS), n, p=CHANNEL_SHARES)
        callback = channel == CALLBACK

        creator_index = rng.integers(0, len(agents), n)
        other_index = (creator_index + rng.integers(1, len(agents), n)) % len(agents)
        creator = agents[creator_index]
        by_admin = rng.random(n) < 0.01
        transfer_roll = rng.random(n)
        sent_open = is_open & np.where(callback, transfer_roll < 0.5, transfer_roll < 0.4)
        sent_done = completed & (transfer_roll < 0.10)
        creator = np.where(by_admin | (sent_open & callback), tenant.admin_id, creator)
        sent = sent_open | sent_done
        assignee = agents[other_index]
        transferred_at = received + rng.integers(1, 30, n) * MINUTE_US

        quick = rng.random(n) < 0.7
        delay = (
            np.where(quick, rng.integers(1, 30, n), rng.integers(30, 4 * 24 * 60, n)) * MINUTE_US
        )
        completed_at = np.minimum(
            np.maximum(received + delay, np.where(sent, transferred_at + MINUTE_US, 0)),
            now_us - 1_000_000,
        )
        completed_by = np.where(sent_done, assignee, creator)
        discarded_at = np.minimum(received + rng.integers(1, 120, n) * MINUTE_US, now_us)

        recall = rng.random(n) < 0.03
        recall_at = received + rng.integers(60, 72 * 60, n) * MINUTE_US
        recall_done = recall & (recall_at < now_us) & (rng.random(n) < 0.95) & ~draft & ~discarded
        recall_done_at = np.minimum(recall_at + rng.integers(1, 120, n) * MINUTE_US, now_us)
        due = rng.random(n) < 0.05
        due_at = received + rng.integers(1, 8, n) * DAY_US

        updated = received.copy()
        updated = np.where(sent, np.maximum(updated, transferred_at), updated)
        updated = np.where(recall_done, np.maximum(updated, recall_done_at), updated)
        updated = np.where(completed, np.maximum(updated, completed_at), updated)
        updated = np.where(discarded, np.maximum(updated, discarded_at), updated)
        updated_by = np.where(completed, completed_by, creator)

        status = np.where(completed, "07", np.where(sent_open, "03", "01")).tolist()
        result = np.where(
            completed, np.where(rng.random(n) < 0.9, "1", "2"), np.where(draft, "", "3")
        ).tolist()
        call_result = np.where(rng.random(n) < 0.95, "1", "2").tolist()
        story = rng.integers(0, len(story_type), n)
        known = rng.random(n) < 0.97
        customer = rng.integers(0, sizes.customers, n)
        stranger = rng.integers(0, 100_000_000, n)
        customer_name = [
            names[c] if k else "" for c, k in zip(customer.tolist(), known.tolist(), strict=True)
        ]
        customer_phone = [
            mobiles[c] if k else f"010{s:08d}"
            for c, s, k in zip(customer.tolist(), stranger.tolist(), known.tolist(), strict=True)
        ]
        received_text = stamps(received)
        story_list = story.tolist()
        columns: list[Sequence[Any]] = [
            (index + 1).tolist(),
            [organization_id] * n,
            (index + 1).tolist(),
            received_text,
            ids(customer + 1, known),
            customer_name,
            customer_phone,
            story_type[story].tolist(),
            [CHANNELS[c] for c in channel.tolist()],
            ["OUT" if c else "IN" for c in callback.tolist()],
            call_result,
            result,
            [""] * n,
            [""] * n,
            [tenant.story_title[s] for s in story_list],
            [tenant.story_content[s] for s in story_list],
            [""] * n,
            stamps(due_at, due),
            stamps(recall_at, recall),
            stamps(recall_done_at, recall_done),
            status,
            draft.tolist(),
            stamps(discarded_at, discarded),
            ["중복 접수" if d else "" for d in discarded.tolist()],
            ids(assignee, sent),
            ids(creator, sent),
            stamps(transferred_at, sent),
            stamps(completed_at, completed),
            ids(completed_by, completed),
            [None] * n,
            received_text,
            creator.tolist(),
            stamps(updated),
            updated_by.tolist(),
            [1] * n,
        ]
        writer.insert("crm_ticket", TICKET_COLUMNS, list(zip(*columns, strict=True)))
        if start // BATCH % 10 == 9:
            _log(f"  {start + n:,} tickets")


# ----------------------------------------------------------------------------- measurements


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _timed(action: Callable[[Any], Any], inputs: Sequence[Any]) -> dict[str, list[float]]:
    """Seconds per input (wall and this process's CPU), after a few untimed calls to warm the
    caches up.

    A very slow case stops after ``BUDGET`` seconds (with at least ``MIN_SAMPLES`` samples),
    so that a missed target does not keep the benchmark busy for hours.
    """
    started = time.perf_counter()
    for value in inputs[:WARM_UP]:
        action(value)
        if time.perf_counter() - started > BUDGET / 4:
            break
    times: list[float] = []
    cpu: list[float] = []
    started = time.perf_counter()
    for value in inputs:
        begun, begun_cpu = time.perf_counter(), time.process_time()
        action(value)
        times.append(time.perf_counter() - begun)
        cpu.append(time.process_time() - begun_cpu)
        if len(times) >= MIN_SAMPLES and time.perf_counter() - started > BUDGET:
            break
    return {"wall": times, "cpu": cpu}


def _measure_all(label: str, samples: int, *, shape: bool) -> dict[str, Any]:
    from sangdam.accounts.models import User  # noqa: PLC0415 -- after setup
    from sangdam.core.tenancy import tenant_scope  # noqa: PLC0415 -- after setup
    from sangdam.crm.models import Customer  # noqa: PLC0415 -- after setup

    _log(f"measuring: {label}")
    organization = _organization()
    rng = random.Random(SEED + 7)
    with tenant_scope(organization):
        agents = list(User.objects.filter(username__startswith="agent").order_by("username"))
        top = Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        picked = list(
            Customer.objects.filter(pk__in=rng.sample(range(1, top + 1), samples)).values_list(
                "name", "mobile"
            )
        )
        rng.shuffle(picked)
        result: dict[str, Any] = {"label": label}
        if shape:
            result["shape"] = _data_shape()
        result["services"] = _services(picked, agents)
    result.update(_pages(organization, agents, picked))
    return result


def _data_shape() -> dict[str, Any]:
    """What the measured lists hold: open tickets, per agent, in the last week."""
    from django.db.models import Count  # noqa: PLC0415 -- after setup

    from sangdam.crm import queues  # noqa: PLC0415 -- after setup
    from sangdam.crm.models import Ticket  # noqa: PLC0415 -- after setup

    open_tickets = Ticket.objects.open()
    per_agent = list(
        open_tickets.order_by()
        .values("created_by")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    return {
        "open": open_tickets.count(),
        "drafts": Ticket.objects.filter(is_draft=True).count(),
        "open_recalls": Ticket.objects.open_recalls().count(),
        "incomplete_week": queues.incomplete(queues.period(None, None)).count(),
        "incomplete_year": queues.incomplete(queues.period(None, None, ignore=True)).count(),
        "open_per_agent": statistics.median(per_agent) if per_agent else 0,
    }


def _name_prefixes(picked: list[tuple[str, str]]) -> list[str]:
    return [name[:2] for name, _mobile in picked]


def _hyphenated(mobile: str) -> str:
    return f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"


def _services(picked: list[tuple[str, str]], agents: list[Any]) -> dict[str, Any]:
    """The service calls the pages stand on, without the HTTP and template work."""
    from sangdam.crm import queues  # noqa: PLC0415 -- after setup
    from sangdam.crm.customers import CustomerSearch, search_customers  # noqa: PLC0415

    found: dict[str, int] = {}

    def search(text: str) -> None:
        rows = list(search_customers(CustomerSearch(text=text))[:50])
        found[text] = len(rows)
        if not rows:
            raise RuntimeError(f"customer search {text!r} found nothing")

    def count(text: str) -> None:
        search_customers(CustomerSearch(text=text)).count()

    def queue(agent: Any) -> None:
        queues.queue_counts(agent)
        list(queues.queue(agent, queues.Queue.RECEIVED_TRANSFERS)[:50])

    def incomplete(_agent: Any) -> None:
        list(queues.incomplete(queues.period(None, None))[:50])

    mobiles = [mobile for _name, mobile in picked]
    prefixes = _name_prefixes(picked)
    by_agent = [agents[i % len(agents)] for i in range(len(picked))]
    cases: list[tuple[str, Callable[[Any], Any], Sequence[Any]]] = [
        ("search-phone-hyphens", search, [_hyphenated(m) for m in mobiles]),
        ("search-phone-digits", search, mobiles),
        ("search-name", search, prefixes),
        ("search-name-count", count, prefixes),
        ("queue-service", queue, by_agent),
        ("incomplete-service", incomplete, by_agent),
    ]
    times = {}
    for name, action, inputs in cases:
        times[name] = _timed(action, inputs)
        wall = times[name]["wall"]
        _log(f"  {name}: p95 {_ms(_percentile(wall, 0.95))} ({len(wall)})")
    matches = [found[p] for p in prefixes if p in found]
    return {
        "times": times,
        "name_prefix_rows": statistics.median(matches) if matches else 0,
        "name_prefixes": Counter(prefixes).most_common(5),
    }


QUEUE_TABS = ("received", "sent", "mine", "callbacks", "recalls")


def _pages(organization: Any, agents: list[Any], picked: list[tuple[str, str]]) -> dict[str, Any]:
    from django.db import connection  # noqa: PLC0415 -- after setup
    from django.test import Client, override_settings  # noqa: PLC0415 -- after setup
    from django.urls import NoReverseMatch, reverse  # noqa: PLC0415 -- after setup

    try:
        urls = {name: reverse(f"crm:{name}") for name in ("customers", "queues", "incomplete")}
    except NoReverseMatch as error:
        _log(f"pages not there yet: {error}")
        return {"pages": {}, "missing": str(error)}

    mobiles = [mobile for _name, mobile in picked]
    prefixes = _name_prefixes(picked)
    half = len(picked) // 2
    other = min(OTHER_PAGE_SAMPLES, len(picked))
    cases: dict[str, list[str]] = {
        "customers-phone": [
            f"{urls['customers']}?text={_hyphenated(m) if i % 2 else m}"
            for i, m in enumerate(mobiles[:half])
        ],
        "customers-name": [f"{urls['customers']}?text={p}" for p in prefixes[half:]],
        "queues-received": [urls["queues"]] * len(picked),
        **{
            f"queues-{tab}": [f"{urls['queues']}?tab={tab}"] * other
            for tab in QUEUE_TABS
            if tab != "received"
        },
        "incomplete": [urls["incomplete"]] * len(picked),
        "incomplete-ignore": [f"{urls['incomplete']}?ignore_period=on"] * other,
        "incomplete-agent": [
            f"{urls['incomplete']}?agent={agents[i % len(agents)].pk}" for i in range(other)
        ],
    }
    times: dict[str, dict[str, list[float]]] = {}
    queries: dict[str, int] = {}
    plans: dict[str, list[dict[str, Any]]] = {}
    # Production settings for the request path: no SQL log, no template debugging.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        clients = [_signed_in(Client(), organization, agent) for agent in agents]
        for case, paths in cases.items():
            executed: list[tuple[str, Any]] = []
            with connection.execute_wrapper(_recorder(executed)):
                _get(clients[0], paths[0])
            queries[case] = len(executed)
            plans[case] = _plans(executed)
            times[case] = _timed(_rotating(clients), paths)
            wall = times[case]["wall"]
            _log(f"  {case}: p95 {_ms(_percentile(wall, 0.95))} ({len(wall)})")
    return {"pages": times, "queries": queries, "plans": plans}


def _recorder(executed: list[tuple[str, Any]]) -> Callable[..., Any]:
    """An execute wrapper that keeps each statement with its parameters, as run (SQLite plans
    differ between a bound parameter and the same value written into the SQL)."""

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append((sql, params))
        return execute(sql, params, many, context)

    return record


def _rotating(clients: list[Any]) -> Callable[[str], Any]:
    """GET with each signed-in agent in turn."""
    turn = itertools.cycle(clients)
    return lambda path: _get(next(turn), path)


def _signed_in(client: Any, organization: Any, agent: Any) -> Any:
    """A client signed in through the login form, as a person would."""
    response = client.post(
        "/login/",
        {
            "service_name": organization.service_name,
            "username": agent.username,
            "password": PASSWORD,
        },
    )
    if response.status_code != 302:
        raise RuntimeError(f"cannot sign in as {agent.username}")
    return client


def _get(client: Any, path: str) -> Any:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return response


_TABLES = ("crm_customer", "crm_ticket")
_SQLITE_STEP = re.compile(
    r"^(SCAN|SEARCH) (\w+)(?: USING (?:COVERING )?INDEX (\w+)(?: \((.*)\))?)?"
)
_PG_SCAN = re.compile(
    r"(Seq Scan on (\w+)|(?:Index Scan|Index Only Scan|Index Scan Backward) using (\w+) on (\w+)"
    r"|Bitmap Index Scan on (\w+))"
)


def _partial_indexes() -> set[str]:
    from sangdam.crm.models import Customer, Ticket  # noqa: PLC0415 -- after setup

    return {
        index.name
        for model in (Customer, Ticket)
        for index in model._meta.indexes
        if index.condition is not None and index.name
    }


def _reach(index: str, partial: set[str]) -> str:
    if index in partial:
        return f"`{index}` read whole for the tenant (a partial index)"
    return f"`{index}` read whole for the tenant: every row"


def _scans(vendor: str, plan: str, partial: set[str]) -> tuple[list[str], list[str]]:
    """Indexes used, and the steps that read a whole table, a whole tenant, or every open
    ticket of a tenant (a partial index read on the organization alone)."""
    used: list[str] = []
    wide: list[str] = []
    lines = plan.splitlines()
    for number, line in enumerate(lines):
        text = line.strip().lstrip("->").strip()
        if vendor == "sqlite":
            step = _SQLITE_STEP.match(text)
            if not step or step.group(2) not in _TABLES:
                continue
            _kind, table, index, condition = step.groups()
            if index is None:
                if _kind == "SCAN":
                    wide.append(f"`{table}` scanned: every row")
                continue
            used.append(index)
            if condition in (None, "organization_id=?"):
                wide.append(_reach(index, partial))
            continue
        found = _PG_SCAN.search(text)
        if not found:
            continue
        if found.group(2):
            if found.group(2) in _TABLES:
                wide.append(f"`{found.group(2)}` scanned: every row")
            continue
        index = found.group(3) or found.group(5)
        if not index.startswith("crm_customer") and not index.startswith("crm_ticket"):
            continue
        used.append(index)
        following = lines[number + 1].strip() if number + 1 < len(lines) else ""
        if re.fullmatch(r"Index Cond: \(organization_id = \d+\)", following):
            wide.append(_reach(index, partial))
    return used, wide


def _plans(statements: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """The plan of each statement on the customer or ticket table, with its wide reads."""
    from django.db import connection  # noqa: PLC0415 -- after setup

    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    partial = _partial_indexes()
    plans = []
    for sql, params in statements:
        if not re.search(r'"crm_(customer|ticket)"', sql) or not sql.lstrip().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(explain + sql, params)
            rows = cursor.fetchall()
        text = "\n".join(str(row[-1]) for row in rows)
        used, wide = _scans(connection.vendor, text, partial)
        plans.append({"sql": sql, "plan": text, "indexes": sorted(set(used)), "wide": wide})
    return plans


def _statistics(present: bool) -> float:
    """SQLite's planner statistics: made by ``ANALYZE`` (seconds it took), or removed."""
    from django.db import connection  # noqa: PLC0415 -- after setup

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if present:
            cursor.execute("ANALYZE")
        else:
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    return time.perf_counter() - started


# ------------------------------------------------------------------------------ the harness side


def _postgres_available() -> bool:
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def _measure(database: str, sizes: Sizes, samples: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="sangdam-bench-out-") as directory:
        output = Path(directory) / "results.json"
        command = [
            sys.executable,
            "-m",
            "bench.crm",
            "measure",
            "--database",
            database,
            "--output",
            str(output),
            "--customers",
            str(sizes.customers),
            "--tickets",
            str(sizes.tickets),
            "--samples",
            str(samples),
        ]
        if database == "sqlite":
            command += ["--db-file", str(CACHE / f"bench-{cache_key(sizes)}.sqlite3")]
        else:
            command = [str(WITH_POSTGRES), *command]
        child = run_child(command)
        if child.returncode != 0 or not output.exists():
            raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}): {child.stderr}")
        results: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    results["database"] = database
    results["wall"] = child.seconds
    results["peak_bytes"] = child.peak_bytes
    return results


def run(sizes: Sizes | None = None, samples: int = SAMPLES) -> Section:
    sizes = sizes or Sizes(CUSTOMERS, TICKETS)
    databases = ["sqlite", *(["postgresql"] if _postgres_available() else [])]
    measured = []
    for database in databases:
        print(f"crm: {sizes.customers:,} customers, {sizes.tickets:,} tickets on {database} ...")
        measured.append(_measure(database, sizes, samples))
    return _section(sizes, measured)


def _paragraph(*parts: str) -> str:
    return textwrap.fill(" ".join(parts), width=95, break_on_hyphens=False)


def _ms(seconds: float) -> str:
    if seconds >= 10:
        return f"{seconds:.1f} s"
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.0095 else f"{seconds * 1000:.1f} ms"


def _duration(seconds: float) -> str:
    if seconds >= 60:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"


# (key in the results, what it is, target)
SERVICE_ROWS = (
    ("search-phone-hyphens", "by mobile number with hyphens (010-1234-5678)", "search"),
    ("search-phone-digits", "by mobile number, digits only (01012345678)", "search"),
    ("search-name", "by two-letter name prefix (김민)", "search"),
    ("search-name-count", "by name prefix: count of all matches", None),
    ("queue-service", "`queue_counts` + first 50 of 받은이관", None),
    ("incomplete-service", "`incomplete` (last 7 days), first 50", None),
)
PAGE_ROWS = (
    ("customers-phone", "customer search page, by mobile number", "search"),
    ("customers-name", "customer search page, by name prefix", "search"),
    ("queues-received", "work queues (`crm:queues`) as it opens (받은이관)", "list"),
    ("queues-sent", "work queues, 보낸이관 tab", "list"),
    ("queues-mine", "work queues, 접수 tab", "list"),
    ("queues-callbacks", "work queues, 콜백 tab", "list"),
    ("queues-recalls", "work queues, 리콜 tab", "list"),
    ("incomplete", "미완료 (`crm:incomplete`) as it opens (last 7 days)", "list"),
    ("incomplete-ignore", "미완료, 기간무시 (one year)", "list"),
    ("incomplete-agent", "미완료, one agent's", "list"),
)


def _rows(
    runs: list[dict[str, Any]], spec: tuple[tuple[str, str, str | None], ...], pages: bool
) -> list[list[str]]:
    rows = []
    for name, title, target in spec:
        for r in runs:
            timed = r.get("pages", {}).get(name) if pages else r["services"]["times"][name]
            if not timed:
                continue
            times, cpu = timed["wall"], timed["cpu"]
            p95 = _percentile(times, 0.95)
            wanted = TARGETS[target] if target else None
            rows.append(
                [
                    title,
                    r["label"],
                    str(len(times)),
                    _ms(statistics.median(times)),
                    _ms(p95),
                    _ms(max(times)),
                    _ms(_percentile(cpu, 0.95)),
                    *([str(r["queries"][name])] if pages else []),
                    f"< {_ms(wanted)}" if wanted else "",
                    ("met" if p95 < wanted else "**missed**") if wanted else "",
                ]
            )
    return rows


def _section(sizes: Sizes, measured: list[dict[str, Any]]) -> Section:
    runs = [run for m in measured for run in m["runs"]]
    shape = runs[0]["shape"]
    generation_rows = []
    for m in measured:
        g = m["generation"]
        phases = g["phases"]
        made = f"kept, made {g['generated_at'][:10]}" if m["cached"] else "made in this run"
        generation_rows.append(
            [
                LABEL[m["database"]],
                _duration(phases["customers"]),
                _duration(phases["tickets"]),
                _duration(phases["indexes"]),
                _duration(phases["analyze"]),
                f"**{_duration(phases['total'])}**",
                f"{g['db_bytes'] / 1024**3:.1f} GB",
                made,
            ]
        )
    analyze = next((m["analyze_seconds"] for m in measured if "analyze_seconds" in m), None)
    services = runs[0]["services"]
    reads: dict[str, set[str]] = {}
    for r in runs:
        for case, plans in r.get("plans", {}).items():
            for plan in plans:
                for scan in plan["wide"]:
                    reads.setdefault(f"{r['label']}: {scan}", set()).add(case)
    wide = [f"{read}; in {', '.join(sorted(cases))}" for read, cases in sorted(reads.items())]
    postgres_note = (
        "and a throw-away PostgreSQL cluster (`scripts/with-postgres.sh`), generated every run."
        if any(m["database"] == "postgresql" for m in measured)
        else "(no PostgreSQL server is installed here)."
    )
    closed = 100 - 100 * shape["open"] / sizes.tickets
    lines = [
        "## Contact-center CRM",
        "",
        _paragraph(
            f"Measured {today()} on {machine()}, with `{COMMAND}` (`make bench` runs it with the",
            f"others). One tenant of {sizes.customers:,} customers and {sizes.tickets:,} tickets",
            f"over two years, {AGENTS} agents, generated by `bench/crm.py` into a SQLite file",
            "(WAL, as the embedded default; kept in `bench/out/crm/` and reused while the",
            "generator and the migrations stay the same: delete the folder to make it again; a",
            "kept file is measured with Django's clock set back to the day it was made)",
            postgres_note,
        ),
        "",
        _paragraph(
            "The data: Korean names with the surnames' real shares (김 21 %, 이 15 %, 박 8 % …),",
            "unique mobile numbers, 20 % with a landline, 80 apartment complexes; tickets",
            f"{closed:.1f} % closed (completed, 0.3 % temp-saved, 0.2 % discarded) and",
            f"{shape['open']:,} open (01/03: 40 % of the last week's, 8 % of the weeks before,",
            f"1.5 % of older ones), about {shape['open_per_agent']:,.0f} taken by each agent;",
            f"{shape['open_recalls']:,} open recalls; 미완료 holds {shape['incomplete_week']:,}",
            f"tickets for the last week and {shape['incomplete_year']:,} for a year. Rows go in",
            "with raw `executemany` (SQLite) or `COPY` (PostgreSQL) in batches of 100,000,",
            "foreign-key checks off, the secondary indexes dropped and then recreated from the",
            "definitions (and in the order) the migrations made. PostgreSQL is then `VACUUM",
            "ANALYZE`d, as autovacuum does after a load. Ticket history rows (`TicketEvent`)",
            "are not generated; no measured page reads them.",
        ),
        "",
        table(
            ["database", "customers", "tickets", "indexes", "analyze", "generation", "size", ""],
            generation_rows,
        ),
        "",
        _paragraph(
            "SQLite is measured twice: as the app leaves the file (it never runs `ANALYZE`, so",
            "the planner has no statistics) and after `ANALYZE`",
            f"({_duration(analyze)} on this file)." if analyze is not None else ".",
            f"Each case has up to {SAMPLES} samples after warm-up (a case slower than",
            f"{BUDGET:.0f} s in all stops early, with at least {MIN_SAMPLES}).",
        ),
        "",
        _paragraph(
            "Customer search: `search_customers` and its first page (50 rows), inside the",
            "tenant's scope, over different customers; name prefixes are the first two letters",
            "of a random customer's name, so common ones come often",
            "(" + ", ".join(f"{p} ×{n}" for p, n in services["name_prefixes"][:3]),
            f"…; median {services['name_prefix_rows']:.0f} rows on the first page).",
        ),
        "",
        table(
            [
                "search / service call",
                "database",
                "samples",
                "p50",
                "p95",
                "max",
                "CPU p95",
                "target",
                "",
            ],
            _rows(runs, SERVICE_ROWS, pages=False),
        ),
        "",
    ]
    page_rows = _rows(runs, PAGE_ROWS, pages=True)
    if page_rows:
        lines += [
            _paragraph(
                "Pages: server time of `client.get` through the whole middleware stack with",
                f"`DEBUG` off, signed in (through the login form) as each of the {AGENTS} agents",
                "in turn; the first page of each list (50 rows). The work-queue page also",
                "counts every tab and the agent's total.",
            ),
            "",
            table(
                [
                    "page",
                    "database",
                    "requests",
                    "p50",
                    "p95",
                    "max",
                    "CPU p95",
                    "queries",
                    "target",
                    "",
                ],
                page_rows,
            ),
            "",
        ]
    else:
        lines += [f"Pages: not measured ({runs[0].get('missing', 'missing')}).", ""]
    lines += [
        _paragraph(
            "Query plans: `EXPLAIN QUERY PLAN` / `EXPLAIN` of every customer and ticket query",
            "the pages ran. Reads of a whole table, of all of a tenant's rows, or of all its",
            "open tickets (a partial index read on the organization alone):",
            "none." if not wide else "",
        ),
        "",
        *(f"- {line}" for line in wide),
    ]
    return Section("crm", "\n".join(lines).rstrip())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crm")
    actions = parser.add_subparsers(dest="action", required=True)
    child = actions.add_parser("measure", help="measure on one database (the child)")
    child.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    child.add_argument("--db-file", type=Path, help="the SQLite file (kept between runs)")
    child.add_argument("--output", type=Path, required=True)
    child.add_argument("--customers", type=int, default=CUSTOMERS)
    child.add_argument("--tickets", type=int, default=TICKETS)
    child.add_argument("--samples", type=int, default=SAMPLES)
    whole = actions.add_parser("run", help="every database; prints the section, records nothing")
    whole.add_argument("--customers", type=int, default=CUSTOMERS)
    whole.add_argument("--tickets", type=int, default=TICKETS)
    whole.add_argument("--samples", type=int, default=SAMPLES)
    args = parser.parse_args(argv)
    sizes = Sizes(args.customers, args.tickets)
    if args.action == "measure":
        if args.database == "sqlite" and args.db_file is None:
            raise SystemExit("--db-file is needed for SQLite")
        measure(args.database, args.db_file, args.output, sizes, args.samples)
    else:
        print(run(sizes, args.samples).markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
