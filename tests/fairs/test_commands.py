"""``sangdam fair import / schedule / export``: the web app's code paths from the command line,
and the issue's contract that they give what ``sangdam schedule`` gives on the same instance."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import gettext

from bench.fair_instances import FairSize, write_instance
from sangdam.core.models import Organization
from sangdam.core.tenancy import all_tenants, tenant_scope
from sangdam.fairs.enums import RunStatus
from sangdam.fairs.models import Event, Meeting, MeetingRequest, Participant, SchedulingRun
from sangdam.scheduling.cli import main as schedule_main
from tests.fairs.fair import make_event, make_organizer

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[1] / "scheduling" / "data"
WORKED_EXAMPLE = DATA / "worked-example.json"
SMALL = FairSize("test", buyers=20, sellers=150, days=2, requests=1_000, seed=11)


def fair(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("fair", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_file(path: Path, organization: Organization, *extra: str) -> int:
    out, _err = fair("import", str(path), "--organization", organization.service_name, *extra)
    return int(out)


def without_seconds(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text)
    data["stats"].pop("seconds")
    return data


def engine_result(instance: Path, tmp_path: Path) -> dict[str, Any]:
    output = tmp_path / "engine.json"
    assert schedule_main([str(instance), "-o", str(output)]) == 0
    return without_seconds(output.read_text())


@pytest.mark.parametrize("instance", ["worked-example", "generated"])
def test_fair_import_schedule_export_gives_what_sangdam_schedule_gives(
    instance: str, organization: Organization, tmp_path: Path
) -> None:
    path = WORKED_EXAMPLE if instance == "worked-example" else write_instance(SMALL, tmp_path)
    event_id = import_file(path, organization)
    summary, _err = fair("schedule", str(event_id))
    result = tmp_path / "result.json"
    fair("export", str(event_id), "-o", str(result))

    exported = without_seconds(result.read_text())
    expected = engine_result(path, tmp_path)
    assert exported["meetings"] == expected["meetings"]
    assert exported["waiting"] == expected["waiting"]
    assert exported == expected
    assert summary.startswith(f"Event {event_id}: run ")
    assert f"done: {expected['stats']['meetings']} meetings" in summary


def test_fair_import_prints_only_the_event_id_and_keeps_the_instance(
    organization: Organization,
) -> None:
    out, err = fair(
        "import",
        str(WORKED_EXAMPLE),
        "--organization",
        "ACME",
        "--name",
        "2026 수출상담회",
        "--time-zone",
        "Asia/Tokyo",
    )

    with tenant_scope(organization):
        event = Event.objects.get()
        assert out == f"{event.pk}\n"
        assert (event.name, event.time_zone, event.tables) == ("2026 수출상담회", "Asia/Tokyo", 2)
        assert Participant.objects.filter(event=event).count() == 8
        assert MeetingRequest.objects.filter(event=event).count() == 9
        assert Meeting.objects.filter(event=event, placed_by_hand=True).count() == 1
    assert f"Created event {event.pk} (2026 수출상담회)." in err


def test_fair_import_names_the_event_after_the_file_by_default(
    organization: Organization,
) -> None:
    event_id = import_file(WORKED_EXAMPLE, organization)

    with all_tenants():
        assert Event.all_objects.get(pk=event_id).name == "worked-example"


def test_fair_import_of_a_malformed_instance_lists_every_problem_and_stores_nothing(
    organization: Organization,
) -> None:
    err = StringIO()
    path = DATA / "malformed-instance.json"
    with pytest.raises(CommandError, match=r"31 problem\(s\); nothing was imported") as raised:
        call_command(
            "fair", "import", str(path), "--organization", "acme", stdout=StringIO(), stderr=err
        )

    assert raised.value.returncode == 2
    lines = err.getvalue().splitlines()
    assert len(lines) == 31
    assert lines[0] == f'{path}: format: must be "sangdam.schedule/1", got "sangdam.schedule/2"'
    with all_tenants():
        assert not Event.all_objects.exists()
        assert not Participant.all_objects.exists()


def test_fair_import_refuses_an_unknown_organization(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No organization with the service name 'nobody'") as e:
        fair("import", str(WORKED_EXAMPLE), "--organization", "nobody")

    assert e.value.returncode == 2
    with all_tenants():
        assert not Event.all_objects.exists()


def test_fair_import_refuses_an_unknown_time_zone(organization: Organization) -> None:
    with pytest.raises(CommandError, match="Unknown time zone: Mars/Olympus") as raised:
        fair("import", str(WORKED_EXAMPLE), "--organization", "acme", "--time-zone", "Mars/Olympus")

    assert raised.value.returncode == 2
    with all_tenants():
        assert not Event.all_objects.exists()


def test_fair_import_twice_into_one_organization_gives_two_events_with_their_own_logins(
    organization: Organization,
) -> None:
    first = import_file(WORKED_EXAMPLE, organization)
    second = import_file(WORKED_EXAMPLE, organization)

    with tenant_scope(organization):
        logins = {
            event: sorted(
                Participant.objects.filter(event_id=event).values_list("user__username", flat=True)
            )
            for event in (first, second)
        }
    assert first != second
    assert logins[first][0] == f"{first}-B1"
    assert logins[second][0] == f"{second}-B1"
    assert not set(logins[first]) & set(logins[second])


def test_fair_schedule_runs_as_the_organizers_button_and_is_requested_by_nobody(
    organization: Organization,
) -> None:
    event_id = import_file(WORKED_EXAMPLE, organization)

    summary, _err = fair("schedule", str(event_id))

    with tenant_scope(organization):
        run = SchedulingRun.objects.get(event_id=event_id)
        assert (run.status, run.mode, run.requested_by, run.stats["meetings"]) == (
            RunStatus.DONE,
            "greedy",
            None,
            5,
        )
        assert Meeting.objects.filter(event_id=event_id).count() == 5
    assert summary == (
        f"Event {event_id}: run {run.pk} (greedy) done: 5 meetings (mutual 2, buyer's request 1,"
        f" seller's request 1, fixed 1), 3 waiting, {run.stats['seconds']:.2f} s\n"
    )


def test_fair_schedule_refuses_a_published_event(organization: Organization) -> None:
    organizer = make_organizer(organization)
    event = make_event(organizer)
    with tenant_scope(organization):
        Event.objects.filter(pk=event.pk).update(published_at=event.created_at)

    with pytest.raises(CommandError) as raised:
        fair("schedule", str(event.pk))

    assert str(raised.value) == gettext("Unpublish the schedule before scheduling again.")

    with tenant_scope(organization):
        assert not SchedulingRun.objects.exists()


def test_fair_schedule_refuses_while_another_run_is_under_way(organization: Organization) -> None:
    organizer = make_organizer(organization)
    event = make_event(organizer)
    with tenant_scope(organization):
        SchedulingRun.objects.create(
            organization=organization, event=event, mode="greedy", status=RunStatus.RUNNING
        )

    with pytest.raises(CommandError) as raised:
        fair("schedule", str(event.pk))

    assert str(raised.value) == gettext("Scheduling is already running for this event.")
    with tenant_scope(organization):
        assert SchedulingRun.objects.count() == 1


def test_fair_schedule_and_export_refuse_an_unknown_event(db: None) -> None:
    for action in ("schedule", "export"):
        with pytest.raises(CommandError, match="No event with the id 999") as raised:
            fair(action, "999")
        assert raised.value.returncode == 2


def test_fair_export_without_output_prints_the_result(
    organization: Organization, tmp_path: Path
) -> None:
    event_id = import_file(WORKED_EXAMPLE, organization)
    fair("schedule", str(event_id))

    out, _err = fair("export", str(event_id))

    assert without_seconds(out) == engine_result(WORKED_EXAMPLE, tmp_path)


def test_fair_schedule_refuses_a_time_limit_out_of_range(organization: Organization) -> None:
    event_id = import_file(WORKED_EXAMPLE, organization)

    with pytest.raises(CommandError) as raised:
        fair("schedule", str(event_id), "--mode", "optimize", "--time-limit", "0")

    assert str(raised.value) == "time_limit: " + gettext("Give a time limit of 1 to 3600 seconds.")
    with tenant_scope(organization):
        assert not SchedulingRun.objects.exists()
