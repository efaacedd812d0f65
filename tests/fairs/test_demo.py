"""The demo fair: loaded after the demo accounts, idempotent, and usable by buyer1 and seller1."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from sangdam.accounts.demo import DEMO_PASSWORD
from sangdam.accounts.demo import load_demo as load_accounts
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs.demo import BUYERS, SELLERS
from sangdam.fairs.demo import load_demo as load_fair
from sangdam.fairs.enums import Approval, RequestStatus, RunStatus, Side
from sangdam.fairs.models import (
    Event,
    Meeting,
    MeetingRequest,
    Notice,
    Participant,
    SchedulingRun,
    Unavailability,
)

pytestmark = pytest.mark.django_db


def load_twice() -> tuple[str, str]:
    outputs = []
    for _ in range(2):
        out = StringIO()
        load_accounts(out)
        load_fair(out)
        outputs.append(out.getvalue())
    return outputs[0], outputs[1]


def test_demo_fair_loads_once_however_often_the_demo_runs() -> None:
    first, second = load_twice()

    demo = Organization.objects.get(service_name="demo")
    with tenant_scope(demo):
        event = Event.objects.get()
        assert Participant.objects.filter(side=Side.BUYER).count() == BUYERS
        assert Participant.objects.filter(side=Side.SELLER).count() == SELLERS
        assert SchedulingRun.objects.count() == 1
    assert f"Demo fair: {event.name} (event {event.pk}): 40 buyers, 300 sellers" in first
    assert f"Demo fair: {event.name} (event {event.pk}), already there." in second


def test_demo_fair_is_a_two_day_fair_ahead_with_the_request_deadline_open() -> None:
    load_twice()

    demo = Organization.objects.get(service_name="demo")
    now = timezone.now()
    with tenant_scope(demo):
        event = Event.objects.get()
        days = list(event.days.values_list("day", flat=True))
        assert event.name.endswith("글로벌 바이어 초청 수출상담회")
        assert event.venue.startswith("코엑스(COEX)")
        assert now < event.participation_deadline < event.request_deadline
        assert len(days) == 2
        assert (days[1] - days[0]).days == 1
        assert event.slots.count() == 32
        assert not event.is_published


def test_demo_buyer1_and_seller1_take_part_with_requests_in_every_state() -> None:
    load_twice()

    demo = Organization.objects.get(service_name="demo")
    with tenant_scope(demo):
        buyer1 = Participant.objects.get(user__username="buyer1")
        seller1 = Participant.objects.get(user__username="seller1")
        assert (buyer1.side, buyer1.approval) == (Side.BUYER, Approval.APPROVED)
        assert (seller1.side, seller1.approval) == (Side.SELLER, Approval.APPROVED)
        for me in (buyer1, seller1):
            sent = set(MeetingRequest.objects.filter(requester=me).values_list("status", flat=True))
            received = set(
                MeetingRequest.objects.filter(recipient=me).values_list("status", flat=True)
            )
            assert sent == set(RequestStatus.values), me.code
            assert received == set(RequestStatus.values), me.code
            assert Unavailability.objects.filter(participant=me).exists()
            assert Notice.objects.filter(participant=me, read_at__isnull=True).exists()
        assert MeetingRequest.objects.get(requester=buyer1, recipient=seller1).status == (
            RequestStatus.PENDING
        )
        statuses = set(MeetingRequest.objects.values_list("status", flat=True))
        assert statuses == set(RequestStatus.values)


def test_demo_fair_keeps_the_demo_passwords() -> None:
    load_twice()

    for username in ("buyer1", "seller1"):
        user = User.all_objects.get(organization__service_name="demo", username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert not user.must_change_password


def test_demo_fair_has_a_finished_greedy_run_that_is_not_published() -> None:
    load_twice()

    demo = Organization.objects.get(service_name="demo")
    with tenant_scope(demo):
        run = SchedulingRun.objects.get()
        meetings = Meeting.objects.count()
        assert run.requested_by is not None
        assert (run.status, run.mode, run.requested_by.username) == (
            RunStatus.DONE,
            "greedy",
            "organizer",
        )
        assert meetings == run.stats["meetings"] > 0
        assert Meeting.objects.filter(buyer__user__username="buyer1").exists()
        assert not Event.objects.get().is_published


def test_sangdam_demo_command_loads_the_fair_after_the_accounts() -> None:
    out = StringIO()
    call_command("demo", stdout=out)

    text = out.getvalue()
    assert text.index("Demo accounts") < text.index("Demo fair:")
