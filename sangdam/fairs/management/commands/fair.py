"""``sangdam fair``: a fair from the command line, through the same code as the organizer's pages.

``import`` creates an event from a schedule-v1 instance (``engine_mapping.import_instance``),
``schedule`` queues a run with the organizer's checks (``services.create_run``, requested by
nobody) and executes it in this process as the worker would
(``sangdam.fairs.scheduling.execute_run``), ``export`` writes the stored schedule as a schedule-v1
result (``engine_mapping.current_schedule``). So ``import`` → ``schedule`` → ``export`` gives the
same meetings and waiting list as ``sangdam schedule`` on the same instance.

Exit status 2 when the input is refused (a malformed instance, an unknown organization or event),
1 when a refusal of the fair's rules or a failed run stops the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sangdam.core.errors import InvalidInput, SangdamError
from sangdam.core.models import Organization
from sangdam.core.tenancy import all_tenants, tenant_scope
from sangdam.fairs import engine_mapping, services
from sangdam.fairs.enums import RunStatus, SchedulingMode
from sangdam.fairs.models import Event
from sangdam.scheduling.format_v1 import dumps_result, read_instance, write_result
from sangdam.scheduling.problem import InvalidProblem

BAD_INPUT = 2


def _plain(text: str) -> str:
    return text


class Command(BaseCommand):
    help = "Fair events from the command line: import an instance, schedule it, export the result."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser(
            "import",
            help="Create an event from a sangdam.schedule/1 instance; prints the new event's id.",
        )
        load.add_argument("instance", metavar="INSTANCE.json")
        load.add_argument("--organization", required=True, help="Service name of the organization")
        load.add_argument("--name", default="", help="Event name (default: the file's name)")
        load.add_argument("--time-zone", default="Asia/Seoul", help="Default: Asia/Seoul")
        schedule = actions.add_parser(
            "schedule", help="Run automatic scheduling now, as the organizer's button does."
        )
        schedule.add_argument("event_id", type=int, metavar="EVENT_ID")
        schedule.add_argument(
            "--mode", choices=SchedulingMode.values, default=SchedulingMode.GREEDY
        )
        schedule.add_argument(
            "--time-limit",
            type=int,
            metavar="SECONDS",
            help="optimize for at most this long (1-3600; default 60)",
        )
        export = actions.add_parser(
            "export", help="Write the event's current schedule as a sangdam.schedule-result/1."
        )
        export.add_argument("event_id", type=int, metavar="EVENT_ID")
        export.add_argument("-o", "--output", metavar="RESULT.json", help="default: stdout")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        self.stderr.style_func = _plain  # progress lines, not errors
        try:
            getattr(self, "_" + action)(**options)
        except InvalidInput as error:
            raise CommandError(
                "; ".join(
                    f"{field or 'input'}: {', '.join(m)}" for field, m in error.errors.items()
                )
            ) from error
        except SangdamError as error:
            raise CommandError(error.message) from error

    # ------------------------------------------------------------------------------------ import

    def _import(self, **options: Any) -> None:
        path = options["instance"]
        try:
            problem = read_instance(path)
        except OSError as error:
            raise CommandError(
                f"{path}: cannot read: {error.strerror or error}", returncode=BAD_INPUT
            ) from error
        except InvalidProblem as error:
            for issue in error.issues:
                self.stderr.write(f"{path}: {issue}")
            raise CommandError(
                f"{path}: {len(error.issues)} problem(s); nothing was imported.",
                returncode=BAD_INPUT,
            ) from error
        organization = Organization.objects.filter(
            service_name__iexact=options["organization"]
        ).first()
        if organization is None:
            raise CommandError(
                f"No organization with the service name {options['organization']!r}.",
                returncode=BAD_INPUT,
            )
        zone = options["time_zone"]
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise CommandError(f"Unknown time zone: {zone}", returncode=BAD_INPUT) from error
        name = options["name"].strip() or Path(path).stem
        self.stderr.write(
            f"{path}: {len(problem.participants)} participants, {len(problem.requests)} requests;"
            f" importing into {organization.service_name} ..."
        )
        try:
            with tenant_scope(organization):
                event = engine_mapping.import_instance(
                    organization,
                    problem,
                    name=name,
                    time_zone=zone,
                    progress=lambda text: self.stderr.write(f"  {text}"),
                )
        except InvalidInput as error:
            raise CommandError(
                "; ".join(", ".join(m) for m in error.errors.values()) + "; nothing was imported.",
                returncode=BAD_INPUT,
            ) from error
        self.stderr.write(f"Created event {event.pk} ({event.name}).")
        self.stdout.write(str(event.pk))

    # ---------------------------------------------------------------------------------- schedule

    def _schedule(self, **options: Any) -> None:
        from sangdam.fairs.scheduling import execute_run  # noqa: PLC0415 -- imports the engine

        event = _event(options["event_id"])
        with tenant_scope(event.organization):
            run = services.create_run(
                event=event,
                mode=options["mode"],
                time_limit=options["time_limit"],
                requested_by=None,
            )
            self.stderr.write(f"Event {event.pk} ({event.name}): scheduling, {run.mode} ...")
            try:
                execute_run(run)
            except Exception as error:
                raise CommandError(f"Scheduling run {run.pk} failed: {run.error}") from error
            if run.status == RunStatus.FAILED:
                raise CommandError(f"Scheduling run {run.pk} failed: {run.error}")
            stats = run.stats
        by_class = stats.get("by_class", {})
        self.stdout.write(
            f"Event {event.pk}: run {run.pk} ({run.mode}) done: {stats['meetings']} meetings"
            f" (mutual {by_class.get('1', 0)}, buyer's request {by_class.get('2', 0)},"
            f" seller's request {by_class.get('3', 0)}, fixed {stats['fixed']}),"
            f" {stats['waiting']} waiting, {float(stats['seconds']):.2f} s"
        )

    # ------------------------------------------------------------------------------------ export

    def _export(self, **options: Any) -> None:
        event = _event(options["event_id"])
        with tenant_scope(event.organization):
            problem, schedule = engine_mapping.current_schedule(event)
        output = options["output"]
        if output:
            write_result(problem, schedule, output)
            self.stderr.write(
                f"Wrote {len(schedule.meetings)} meetings and {len(schedule.waiting)} waiting"
                f" pairs of event {event.pk} to {output}."
            )
        else:
            self.stdout.write(dumps_result(problem, schedule), ending="")
            self.stdout.flush()


def _event(event_id: int) -> Event:
    """The event with this id, whichever organization holds it (an operator's command)."""
    with all_tenants():
        event = Event.all_objects.select_related("organization").filter(pk=event_id).first()
    if event is None:
        raise CommandError(f"No event with the id {event_id}.", returncode=BAD_INPUT)
    return event
