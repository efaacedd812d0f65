"""The ``sangdam`` command: Django's management commands, plus the pure scheduling engine.

``sangdam schedule`` runs without Django (no settings, no database), so organizers' scripts can
use the engine on a laptop; every other subcommand is a Django management command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "schedule":
        from sangdam.scheduling.cli import main as schedule_main  # noqa: PLC0415 -- no Django

        sys.exit(schedule_main(argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line  # noqa: PLC0415 -- slow import

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
