"""What every benchmark needs: child processes measured, the machine described, docs updated."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
OUT = ROOT / "bench" / "out"


@dataclass(frozen=True, slots=True)
class Section:
    """One benchmark's results: a name for its place in docs/benchmarks.md, and the text."""

    name: str
    markdown: str


@dataclass(frozen=True, slots=True)
class ChildRun:
    seconds: float
    peak_bytes: int
    returncode: int
    stderr: str


def run_child(command: list[str]) -> ChildRun:
    """Run a command; wall time from start to exit and its own peak resident memory."""
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
    )
    assert process.stderr is not None
    stderr = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kilobytes on Linux.
    return ChildRun(seconds, usage.ru_maxrss * 1024, process.returncode, stderr)


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GB memory"
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()};"
        f" Python {platform.python_version()}"
    )


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, padded so it also reads well in a terminal."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def begin_marker(name: str) -> str:
    return f"<!-- bench:{name}:begin -->"


def end_marker(name: str) -> str:
    return f"<!-- bench:{name}:end -->"


def record(section: Section, path: Path = DOCS) -> None:
    """Replace the section's text between its markers, or add it at the end; the rest stays."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    begin, end = begin_marker(section.name), end_marker(section.name)
    block = f"{begin}\n{section.markdown.rstrip()}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def setup_django(database: str, data_dir: Path, db_file: Path | None = None) -> None:
    """Set Django up in a measuring child: a SQLite file (``db_file``, else one in
    ``data_dir``), or the PostgreSQL database ``DATABASE_URL`` names, created here."""
    os.environ["SANGDAM_DATA_DIR"] = str(data_dir)
    if database == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{db_file or data_dir / 'bench.sqlite3'}"
    else:
        _create_postgres_database(os.environ["DATABASE_URL"])
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django  # noqa: PLC0415 -- only a measuring child sets Django up

    django.setup()


def _create_postgres_database(url: str) -> None:
    """``scripts/with-postgres.sh`` starts a bare cluster; the database it names is made here."""
    import dj_database_url  # noqa: PLC0415 -- only for PostgreSQL
    import psycopg  # noqa: PLC0415 -- only for PostgreSQL
    from psycopg import sql  # noqa: PLC0415 -- only for PostgreSQL

    config = dj_database_url.parse(url)
    options = config.get("OPTIONS", {})
    with psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=options.get("host") or config["HOST"] or None,
        port=options.get("port") or config["PORT"] or None,
        autocommit=True,
    ) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
