"""Background work of messaging: each task is a thin wrapper around a service."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task
from django_tasks.base import TaskResultStatus

from sangdam.messaging import sending
from sangdam.messaging.gateways import get_gateway


@task()
def dispatch_messages() -> dict[str, int]:
    """Hand due messages to the gateway for a few seconds; queue a sequel while more are due."""
    summary = sending.dispatch_due(gateway=get_gateway())
    if summary.more and _may_defer():
        dispatch_messages.enqueue()
    return {"sent": summary.sent, "failed": summary.failed, "interrupted": summary.interrupted}


def _may_defer() -> bool:
    # The immediate backend (tests) would recurse; the clock picks up what is left instead.
    return bool(dispatch_messages.get_backend().supports_defer)


def dispatch_pending() -> bool:
    """Whether a dispatch task waits in the queue already (the clock then adds none)."""
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return False
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415 -- optional backend

    return DBTaskResult.objects.filter(
        task_path=dispatch_messages.module_path, status=TaskResultStatus.READY
    ).exists()
