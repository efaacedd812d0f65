"""The worker's clock: jobs that apps want run every so often next to the queued tasks.

Queued tasks cover work someone asked for; the clock covers work that falls due by itself
(a scheduled message's time, a retry after a gateway failure, recovery after a crash). Apps
register with ``every`` when they are ready; ``sangdam worker`` runs them in a thread.

Some work does not come by the clock but waits for a peer to speak (an SMS centre's delivery
receipts on a bound session): apps register such loops with ``background``; the worker runs
each in its own thread until it stops, restarting one that fails.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tick:
    seconds: float
    job: Callable[[], object]


_ticks: list[Tick] = []


def every(seconds: float, job: Callable[[], object]) -> None:
    _ticks.append(Tick(seconds, job))


def run_due(last_runs: dict[int, float], now: float) -> None:
    """Run each registered job whose interval has passed since its last run."""
    for index, tick in enumerate(_ticks):
        if now - last_runs.get(index, float("-inf")) < tick.seconds:
            continue
        last_runs[index] = now
        try:
            tick.job()
        except Exception:
            logger.exception("The worker clock's job %s failed", tick.job)
        finally:
            close_old_connections()


def start_clock(stop: threading.Event, resolution: float = 1.0) -> threading.Thread:
    def loop() -> None:
        last_runs: dict[int, float] = {}
        while not stop.is_set():
            run_due(last_runs, time.monotonic())
            stop.wait(resolution)

    thread = threading.Thread(target=loop, name="sangdam-clock", daemon=True)
    thread.start()
    return thread


# ------------------------------------------------------------------------- long-running loops


@dataclass(frozen=True)
class Background:
    name: str
    # Runs until the event is set (or returns at once when it has nothing to do).
    run: Callable[[threading.Event], object]


_background: list[Background] = []
RESTART_DELAY = 5.0


def background(name: str, run: Callable[[threading.Event], object]) -> None:
    """Register a loop the worker runs in its own thread: ``run(stop)`` until ``stop`` is set."""
    _background.append(Background(name, run))


def keep_running(loop: Background, stop: threading.Event, restart_delay: float) -> None:
    """Run one loop; after a failure, log it and start it again until the worker stops."""
    try:
        while not stop.is_set():
            try:
                loop.run(stop)
                return
            except Exception:
                logger.exception("The worker's background loop %s failed", loop.name)
                stop.wait(restart_delay)
    finally:
        connections.close_all()  # this thread's own connections


def start_background(
    stop: threading.Event, restart_delay: float = RESTART_DELAY
) -> list[threading.Thread]:
    threads = []
    for loop in _background:
        thread = threading.Thread(
            target=keep_running,
            args=(loop, stop, restart_delay),
            name=f"sangdam-{loop.name}",
            daemon=True,
        )
        thread.start()
        threads.append(thread)
    return threads
