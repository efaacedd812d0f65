"""The worker's background loops: each runs in its own thread until the worker stops."""

from __future__ import annotations

import threading

import pytest

from sangdam.core import worker


@pytest.fixture(autouse=True)
def no_registered_loops(monkeypatch):
    monkeypatch.setattr(worker, "_background", [])


def test_a_loop_runs_until_the_worker_stops():
    seen = threading.Event()

    def listen(stop: threading.Event) -> None:
        seen.set()
        stop.wait()

    worker.background("listener", listen)
    stop = threading.Event()
    [thread] = worker.start_background(stop)
    assert thread.name == "sangdam-listener"
    assert seen.wait(5)
    assert thread.is_alive()
    stop.set()
    thread.join(5)
    assert not thread.is_alive()


def test_a_failing_loop_is_started_again_and_one_with_nothing_to_do_is_not():
    runs: list[str] = []
    again = threading.Event()

    def flaky(stop: threading.Event) -> None:
        runs.append("flaky")
        if len([r for r in runs if r == "flaky"]) < 3:
            raise RuntimeError("peer went away")
        again.set()
        stop.wait()

    def idle(stop: threading.Event) -> None:
        runs.append("idle")

    worker.background("flaky", flaky)
    worker.background("idle", idle)
    stop = threading.Event()
    threads = worker.start_background(stop, restart_delay=0.01)
    assert again.wait(5)
    stop.set()
    for thread in threads:
        thread.join(5)
    assert runs.count("flaky") == 3
    assert runs.count("idle") == 1
