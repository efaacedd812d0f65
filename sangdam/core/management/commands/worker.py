"""Run the background worker: the queued tasks (django-tasks' db_worker), the clock and the
registered background loops (e.g. the SMPP receipt listener)."""

from __future__ import annotations

import os
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from sangdam.core.worker import start_background, start_clock

# How long a stopping worker lets its loops finish (an SMPP session unbinds politely).
STOP_GRACE_SECONDS = 5.0


class Command(BaseCommand):
    help = "Run queued background tasks, and the clock that enqueues work falling due."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        loops: list[threading.Thread] = []
        # In DEBUG db_worker reloads on code changes: this process then only watches a child
        # that runs this command again; the clock and the loops belong in that child.
        if not settings.DEBUG or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            start_clock(stop)
            loops = start_background(stop)
        try:
            call_command("db_worker")
        finally:
            stop.set()
            for loop in loops:
                loop.join(timeout=STOP_GRACE_SECONDS)
