"""The worker's clock: registered jobs run at their intervals, and one failing stops no other."""

from __future__ import annotations

import pytest

from sangdam.core import worker as clock

# Each run closes stale database connections, as Django does between requests.
pytestmark = pytest.mark.django_db


def test_the_clock_runs_each_job_at_its_interval(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(clock, "_ticks", [])
    clock.every(10, lambda: calls.append("ten"))
    clock.every(60, lambda: calls.append("sixty"))
    last: dict[int, float] = {}
    for second in (0, 5, 10, 30, 60):
        clock.run_due(last, float(second))
    assert calls == ["ten", "sixty", "ten", "ten", "ten", "sixty"]


def test_a_failing_clock_job_does_not_stop_the_others(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(clock, "_ticks", [])

    def broken() -> None:
        raise RuntimeError("boom")

    clock.every(1, broken)
    clock.every(1, lambda: calls.append("ran"))
    clock.run_due({}, 0.0)
    assert calls == ["ran"]
