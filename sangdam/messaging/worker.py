"""The worker clock's messaging job: start a dispatch when messages fall due.

Scheduled messages, retries after a gateway failure and the recovery after a crash all come
due by the clock; a dispatch task is queued only when none waits already.
"""

from __future__ import annotations

from django.utils import timezone

from sangdam.core.worker import every
from sangdam.messaging.models import Message

CHECK_EVERY_SECONDS = 15.0


def start_due_dispatch() -> bool:
    from sangdam.messaging import sending, tasks  # noqa: PLC0415 -- tasks need the app registry

    now = timezone.now()
    due = sending.next_due()
    stale = Message.all_objects.filter(claimed_until__lt=now).exists()
    if (due is None or due > now) and not stale:
        return False
    if tasks.dispatch_pending():
        return False
    tasks.dispatch_messages.enqueue()
    return True


every(CHECK_EVERY_SECONDS, start_due_dispatch)
