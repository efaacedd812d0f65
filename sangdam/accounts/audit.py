"""The work (audit) history: every administrative action leaves a row (SPEC PL-35, G-PL-12)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from sangdam.accounts.enums import WorkAction, WorkResult, WorkScreen
from sangdam.accounts.models import User, WorkEvent


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where; passed to every service that leaves an audit row."""

    user: User
    ip: str


@dataclass
class Work:
    detail: str = ""


@contextmanager
def record_work(actor: Actor, screen: WorkScreen, action: WorkAction) -> Iterator[Work]:
    """Run the body in one transaction and record it; a failure is recorded after the rollback.

    The body may set ``work.detail`` to say what was touched (an ID, a filter, a row count).
    """
    work = Work()
    started_at = timezone.now()
    try:
        with transaction.atomic():
            yield work
            _save(actor, screen, action, WorkResult.SUCCESS, started_at, work.detail)
    except Exception:
        _save(actor, screen, action, WorkResult.FAILURE, started_at, work.detail)
        raise


def _save(
    actor: Actor,
    screen: WorkScreen,
    action: WorkAction,
    result: WorkResult,
    started_at: datetime,
    detail: str,
) -> None:
    WorkEvent.all_objects.create(
        organization_id=actor.user.organization_id,
        actor=actor.user,
        actor_label=actor.user.actor_label,
        screen=screen,
        action=action,
        result=result,
        started_at=started_at,
        ended_at=timezone.now(),
        ip=actor.ip,
        detail=detail[:500],
    )
