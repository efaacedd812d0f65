"""Automatic scheduling of an event (SPEC MM-41): map, solve, save, with the run's progress."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sangdam.core.tenancy import tenant_scope
from sangdam.fairs.engine_mapping import InvalidProblem, save_schedule, schedule_event
from sangdam.fairs.enums import RunStatus
from sangdam.fairs.models import SchedulingRun


def execute_run(run: SchedulingRun) -> dict[str, object]:
    """Run one queued scheduling run to the end; a failure is stored on the run, not raised."""
    with tenant_scope(run.event.organization):
        _set(run, status=RunStatus.RUNNING, started_at=timezone.now())
        try:
            mapped, schedule, stats = schedule_event(
                run.event, mode=run.mode, time_limit=run.time_limit
            )
            _set(run, status=RunStatus.SAVING)
            with transaction.atomic():
                save_schedule(run.event, mapped, schedule)
                _set(run, status=RunStatus.DONE, finished_at=timezone.now(), stats=stats)
        except InvalidProblem as problem:
            _set(run, status=RunStatus.FAILED, finished_at=timezone.now(), error=str(problem))
        except Exception as error:
            _set(run, status=RunStatus.FAILED, finished_at=timezone.now(), error=repr(error))
            raise
    return dict(run.stats)


def _set(run: SchedulingRun, **fields: object) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    SchedulingRun.objects.filter(pk=run.pk).update(**fields)
