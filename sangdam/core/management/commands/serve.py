"""Serve Sangdam: the ASGI web server and the background worker, started and stopped together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any, NoReturn

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the web app (Daphne, HTTP and WebSocket) together with the task worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="Do not start the worker.")

    def handle(self, *args: Any, host: str, port: int, no_worker: bool, **options: Any) -> None:
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        # A service manager stops us with SIGTERM; turn it into an exit so `finally` runs.
        signal.signal(signal.SIGTERM, _exit)
        worker = None
        if not no_worker:
            # Its own process group: in DEBUG the worker runs under an autoreloader whose
            # child must stop with it.
            worker = subprocess.Popen(
                [sys.executable, "-m", "sangdam.cli", "worker"], start_new_session=True
            )
        self.stdout.write(f"Sangdam is serving on http://{host}:{port}/ (Ctrl+C stops it)")
        web = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", host, "-p", str(port), "config.asgi:application"]
        )
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            _stop(web, group=False)
            if worker is not None:
                _stop(worker, group=True)


def _exit(signum: int, frame: object) -> NoReturn:
    raise SystemExit(0)


def _stop(process: subprocess.Popen[bytes], *, group: bool) -> None:
    """Ask the process (or its whole group) to stop; kill it after ten seconds."""
    if process.poll() is not None:
        return

    def send(signum: int) -> None:
        if group:
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)

    try:
        send(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            send(signal.SIGKILL)
            process.wait()
    except ProcessLookupError:
        pass
