"""The worker's side: claiming, handing over, retrying, recovering and delivery reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sangdam.messaging import sending
from sangdam.messaging.enums import MessageState
from sangdam.messaging.gateways.base import (
    Accepted,
    DeliveryReport,
    GatewayOutcomeUnknown,
    GatewayRejected,
    GatewayUnavailable,
    OutgoingMessage,
)
from sangdam.messaging.gateways.memory import MemoryGateway
from sangdam.messaging.models import Message
from sangdam.messaging.recipients import Recipient
from sangdam.messaging.sending import Draft


def numbers(count: int) -> list[Recipient]:
    return [Recipient(f"010-7777-{n:04d}") for n in range(count)]


@pytest.fixture
def job(actor, sender_settings, scoped):
    return sending.send_messages(
        actor=actor, draft=Draft(numbers(5), "{고객명} 안내"), gateway_supports_mms=True
    )


def states(job) -> dict[str, int]:
    found: dict[str, int] = {}
    for state in Message.objects.filter(job=job).values_list("state", flat=True):
        found[state] = found.get(state, 0) + 1
    return found


def test_each_due_message_is_handed_over_once(job, outbox):
    summary = sending.dispatch_due(gateway=MemoryGateway())
    assert summary.sent == 5
    assert sorted(m.to for m in outbox.outbox) == [f"0107777{n:04d}" for n in range(5)]
    assert states(job) == {"SENT": 5}
    # Nothing is due any more: a second worker run sends nothing again.
    assert sending.dispatch_due(gateway=MemoryGateway()).sent == 0
    assert len(outbox.outbox) == 5
    assert all(m.sender == "0215880000" for m in outbox.outbox)


def test_an_unavailable_gateway_leaves_messages_queued_with_the_reason_and_backs_off(job, outbox):
    now = timezone.now()
    outbox.fail_next.append(GatewayUnavailable("connection refused"))
    summary = sending.dispatch_due(gateway=MemoryGateway(), now=now)
    assert (summary.sent, summary.retry_at) == (0, now + dt.timedelta(seconds=30))
    queued = Message.objects.filter(job=job)
    assert {(m.state, m.reason, m.due_at) for m in queued} == {
        (MessageState.QUEUED, "connection refused", now + dt.timedelta(seconds=30))
    }
    assert sorted(m.attempts for m in queued) == [0, 0, 0, 0, 1]
    # Not yet due: nothing happens; once due, they go.
    assert (
        sending.dispatch_due(gateway=MemoryGateway(), now=now + dt.timedelta(seconds=10)).sent == 0
    )
    later = now + dt.timedelta(seconds=31)
    outbox.fail_next.append(GatewayUnavailable("still down"))
    second = sending.dispatch_due(gateway=MemoryGateway(), now=later)
    # The second failure of the same message waits longer: a minute.
    assert second.retry_at == later + dt.timedelta(minutes=1)
    third = sending.dispatch_due(gateway=MemoryGateway(), now=later + dt.timedelta(minutes=2))
    assert third.sent == 5
    assert states(job) == {"SENT": 5}
    assert Message.objects.filter(job=job, reason="").count() == 5


def test_a_message_fails_for_good_after_the_last_retry(job, outbox):
    message = Message.objects.filter(job=job).order_by("due_at", "pk")[0]
    Message.objects.filter(pk=message.pk).update(attempts=sending.MAX_ATTEMPTS - 1)
    outbox.fail_next.append(GatewayUnavailable("timeout"))
    sending.dispatch_due(gateway=MemoryGateway())
    message.refresh_from_db()
    assert (message.state, message.reason) == (MessageState.FAILED, "timeout")


def test_a_rejected_message_fails_and_the_others_go_on(job, outbox):
    outbox.fail_next.append(GatewayRejected("unknown subscriber"))
    summary = sending.dispatch_due(gateway=MemoryGateway())
    assert (summary.sent, summary.failed) == (4, 1)
    failed = Message.objects.get(job=job, state=MessageState.FAILED)
    assert failed.reason == "unknown subscriber"


class CrashingGateway:
    """Dies (like a killed worker) while handing over the third message."""

    supports_mms = True

    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> Accepted:
        if len(self.sent) == 2:
            raise SystemExit("worker killed")
        self.sent.append(message)
        return Accepted(f"c{len(self.sent)}")

    def close(self) -> None:
        pass


def test_a_restarted_worker_neither_loses_nor_repeats_messages(job, outbox):
    crashing = CrashingGateway()
    with pytest.raises(SystemExit):
        sending.dispatch_due(gateway=crashing)
    assert states(job) == {"SENT": 2, "SENDING": 1, "CLAIMED": 2}
    # A new worker before the lease ran out takes nothing held by the dead one.
    assert sending.dispatch_due(gateway=MemoryGateway()).sent == 0
    after_lease = timezone.now() + sending.claim_lease() + dt.timedelta(seconds=1)
    summary = sending.dispatch_due(gateway=MemoryGateway(), now=after_lease)
    assert (summary.recovered, summary.interrupted, summary.sent) == (2, 1, 2)
    delivered_to = [m.to for m in crashing.sent] + [m.to for m in outbox.outbox]
    assert len(delivered_to) == len(set(delivered_to)) == 4
    interrupted = Message.objects.get(job=job, state=MessageState.FAILED)
    assert interrupted.phone not in delivered_to
    assert "not resent" in interrupted.reason
    # A delivery report for the interrupted one shows it did go out after all.
    sending.record_delivery_report(
        DeliveryReport(str(interrupted.pk), "", True, "", timezone.now())
    )
    interrupted.refresh_from_db()
    assert interrupted.state == MessageState.DELIVERED


def test_scheduled_messages_wait_for_their_time_and_cancelled_ones_never_go(
    actor, sender_settings, scoped, outbox
):
    at = (timezone.now() + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    at = at.replace(minute=at.minute - at.minute % 5)
    job = sending.send_messages(
        actor=actor,
        draft=Draft(numbers(2), "예약", scheduled_at=at + dt.timedelta(minutes=15)),
        gateway_supports_mms=True,
    )
    first, second = Message.objects.filter(job=job).order_by("pk")
    sending.cancel_scheduled(actor=actor, message_ids=[first.pk])
    assert sending.dispatch_due(gateway=MemoryGateway()).sent == 0
    summary = sending.dispatch_due(gateway=MemoryGateway(), now=at + dt.timedelta(minutes=15))
    assert summary.sent == 1
    assert [m.to for m in outbox.outbox] == [second.phone]


def test_delivery_reports_move_sent_messages_to_final_states(job, outbox):
    sending.dispatch_due(gateway=MemoryGateway())
    ok, bad, later = Message.objects.filter(job=job).order_by("pk")[:3]
    at = timezone.now()
    assert sending.record_delivery_report(DeliveryReport("", ok.gateway_id, True, "", at))
    assert sending.record_delivery_report(DeliveryReport(str(bad.pk), "", False, "EXPIRED", at))
    # An intermediate report changes nothing; a late one never undoes a final state.
    assert sending.record_delivery_report(DeliveryReport(str(later.pk), "", None, "", at))
    assert sending.record_delivery_report(DeliveryReport(str(ok.pk), "", False, "late", at))
    assert not sending.record_delivery_report(DeliveryReport("999999", "", True, "", at))
    ok.refresh_from_db()
    bad.refresh_from_db()
    later.refresh_from_db()
    assert (ok.state, bad.state, bad.reason, later.state) == (
        MessageState.DELIVERED,
        MessageState.FAILED,
        "EXPIRED",
        MessageState.SENT,
    )


class ReportingGateway:
    """Kannel may call back with the delivery report before ``send`` has returned."""

    supports_mms = True

    def send(self, message: OutgoingMessage) -> Accepted:
        sending.record_delivery_report(
            DeliveryReport(message.reference, "", True, "", timezone.now())
        )
        return Accepted("k1")

    def close(self) -> None:
        pass


def test_a_report_that_overtakes_the_hand_over_is_kept(job):
    sending.dispatch_due(gateway=ReportingGateway())
    assert states(job) == {"DELIVERED": 5}
    assert set(Message.objects.filter(job=job).values_list("gateway_id", flat=True)) == {"k1"}


def test_progress_counts_each_state(job, outbox):
    outbox.fail_next.append(GatewayRejected("bad"))
    sending.dispatch_due(gateway=MemoryGateway())
    progress = sending.progress_of(job)
    assert (progress.total, progress.sent, progress.failed, progress.waiting) == (5, 4, 1, 0)
    assert progress.finished


def test_a_message_without_an_answer_is_failed_not_resent(job, outbox):
    outbox.fail_next.append(GatewayOutcomeUnknown("Kannel did not answer in time"))
    summary = sending.dispatch_due(gateway=MemoryGateway())
    assert (summary.sent, summary.failed) == (4, 1)
    unanswered = Message.objects.get(job=job, state=MessageState.FAILED)
    assert unanswered.reason == "Kannel did not answer in time; not resent to avoid a duplicate"
    later = timezone.now() + dt.timedelta(hours=2)
    assert sending.dispatch_due(gateway=MemoryGateway(), now=later).sent == 0
    sending.record_delivery_report(DeliveryReport(str(unanswered.pk), "", True, "", later))
    unanswered.refresh_from_db()
    assert unanswered.state == MessageState.DELIVERED


def test_an_mms_carries_the_jobs_image_to_every_recipient(actor, sender_settings, scoped, outbox):
    photo = b"\xff\xd8\xff\xe0" + b"photo" * 100
    sending.send_messages(
        actor=actor,
        draft=Draft(numbers(2), "사진 안내", image=sending.Image("notice.jpg", photo)),
        gateway_supports_mms=True,
    )
    sending.dispatch_due(gateway=MemoryGateway())
    assert [(m.kind, m.image, m.image_name.endswith(".jpg")) for m in outbox.outbox] == [
        ("MMS", photo, True),
        ("MMS", photo, True),
    ]
