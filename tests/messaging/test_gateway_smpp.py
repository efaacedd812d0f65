"""SmppGateway and the receipt listener against an SMPP 3.4 peer on loopback.

The peer is ``fake_smsc.FakeSmsc`` (no SMS centre can run here; see its docstring): real PDUs
on a real socket, through smpplib on both sides.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.db import DatabaseError
from django.utils import timezone
from smpplib import consts

from sangdam.accounts.audit import Actor
from sangdam.core.tenancy import tenant_scope
from sangdam.messaging import receipts, sending
from sangdam.messaging.enums import MessageState
from sangdam.messaging.gateways import get_gateway
from sangdam.messaging.gateways.base import (
    DeliveryReport,
    GatewayRejected,
    GatewayUnavailable,
    OutgoingMessage,
)
from sangdam.messaging.gateways.smpp import SmppGateway, listen_for_receipts, parse_receipt
from sangdam.messaging.models import Message, MessagingSettings, SendJob
from sangdam.messaging.recipients import Recipient
from sangdam.messaging.sending import Draft
from tests.factories import make_organization, make_user
from tests.messaging.fake_smsc import FakeSmsc, fake_smsc


@pytest.fixture
def smsc() -> Iterator[FakeSmsc]:
    with fake_smsc() as running:
        yield running


def outgoing(to: str, body: str, *, kind: str = "SMS", title: str = "") -> OutgoingMessage:
    return OutgoingMessage(
        reference="1", to=to, sender="0215880000", kind=kind, title=title, body=body
    )


def gateway_for(smsc: FakeSmsc, reports: list[DeliveryReport] | None = None) -> SmppGateway:
    collected = reports if reports is not None else []
    return SmppGateway(**smsc.options(), on_receipt=collected.append)


# ------------------------------------------------------------------------------------ sending


def test_a_korean_sms_goes_as_ucs2_and_the_smsc_message_id_comes_back(smsc):
    gateway = gateway_for(smsc)
    text = "김하나님, 상담 예약이 확정되었습니다."
    accepted = gateway.send(outgoing("01012345678", text))
    gateway.close()
    [arrived] = smsc.messages()
    assert (arrived.source, arrived.destination, arrived.text) == (
        "0215880000",
        "01012345678",
        text,
    )
    [submitted] = smsc.submitted
    assert accepted.gateway_id == submitted.message_id
    assert submitted.data_coding == 8  # UCS-2
    # National digits as dialled: TON unknown, NPI ISDN; a receipt requested.
    assert (submitted.destination_ton, submitted.destination_npi) == (0, 1)
    assert submitted.registered_delivery == 1
    assert smsc.binds == ["TRX"]


def test_a_long_lms_goes_in_concatenated_parts_and_arrives_whole(smsc):
    gateway = gateway_for(smsc)
    body = "관리사무소에서 알려드립니다. 내일 오전 10시부터 엘리베이터 점검이 있습니다. " * 8
    accepted = gateway.send(outgoing("01012345678", body, kind="LMS", title="[공지] 점검"))
    gateway.close()
    [arrived] = smsc.messages()
    assert arrived.text == "[공지] 점검\n" + body
    assert arrived.parts == len(smsc.submitted) > 1
    # The message is named by its first part, the only one asking for a receipt.
    assert accepted.gateway_id == arrived.message_ids[0]
    assert [s.registered_delivery for s in smsc.submitted] == [1] + [0] * (arrived.parts - 1)


def test_one_session_carries_a_whole_batch(smsc):
    gateway = gateway_for(smsc)
    for n in range(3):
        gateway.send(outgoing(f"0101234000{n}", f"안내 {n}"))
    gateway.close()
    assert smsc.binds == ["TRX"]
    assert [m.text for m in smsc.messages()] == ["안내 0", "안내 1", "안내 2"]


def test_throttling_means_try_later(smsc):
    smsc.throttle_next = 1
    gateway = gateway_for(smsc)
    with pytest.raises(GatewayUnavailable) as raised:
        gateway.send(outgoing("01012345678", "안내"))
    assert "Throttling" in raised.value.reason
    # The session is still good: the next message goes.
    gateway.send(outgoing("01012345678", "안내"))
    gateway.close()
    assert len(smsc.messages()) == 1


def test_a_refused_destination_is_rejected_for_good(smsc):
    smsc.refuse["01099999999"] = consts.SMPP_ESME_RINVDSTADR
    gateway = gateway_for(smsc)
    with pytest.raises(GatewayRejected) as raised:
        gateway.send(outgoing("01099999999", "안내"))
    gateway.close()
    assert raised.value.reason == "SMSC status 0x0000000B: Invalid Destination Address"


def test_a_wrong_password_or_a_missing_smsc_means_try_later(smsc):
    wrong = SmppGateway(**{**smsc.options(), "password": "wrong"})
    with pytest.raises(GatewayUnavailable) as raised:
        wrong.send(outgoing("01012345678", "안내"))
    assert raised.value.reason == "SMSC refused the bind: SMSC status 0x0000000E: Invalid Password"
    smsc.stop()
    with pytest.raises(GatewayUnavailable) as raised:
        gateway_for(smsc).send(outgoing("01012345678", "안내"))
    assert raised.value.reason == "SMSC unreachable: connection refused"


def test_mms_cannot_go_over_smpp(smsc):
    message = OutgoingMessage("1", "01012345678", "0215880000", "MMS", "", "사진", b"\xff\xd8")
    with pytest.raises(GatewayRejected):
        gateway_for(smsc).send(message)
    assert SmppGateway.supports_mms is False
    assert smsc.submitted == []


def test_receipts_arriving_on_the_sending_session_are_handed_over(smsc):
    reports: list[DeliveryReport] = []
    gateway = gateway_for(smsc, reports)
    accepted = gateway.send(outgoing("01012345678", "안내"))
    assert smsc.wait(lambda: smsc.receipts_sent)
    gateway.close()  # reads it while unbinding
    assert [(r.gateway_id, r.delivered, r.reference) for r in reports] == [
        (accepted.gateway_id, True, "")
    ]


def test_a_receipt_that_cannot_be_recorded_is_refused_so_the_smsc_sends_it_again(smsc):
    def database_down(report: DeliveryReport) -> None:
        raise DatabaseError("the database is restarting")

    gateway = SmppGateway(**smsc.options(), on_receipt=database_down)
    gateway.send(outgoing("01012345678", "안내"))
    assert smsc.wait(lambda: smsc.receipts_sent)
    gateway.send(outgoing("01012345679", "안내"))  # reads the receipt while waiting
    assert smsc.wait(lambda: smsc.receipt_answers)
    gateway.close()
    assert smsc.receipt_answers == [consts.SMPP_ESME_RX_T_APPN]


def test_the_settings_choose_smpp(smsc, settings):
    settings.SANGDAM_SMS_BACKEND = "smpp"
    settings.SANGDAM_SMS_OPTIONS = smsc.options()
    gateway = get_gateway()
    assert isinstance(gateway, SmppGateway)
    assert receipts.smpp_in_use()


# ----------------------------------------------------------------------------- receipt parsing


def deliver_sm(text: bytes, esm_class: int = 0x04, **tlvs: object) -> SimpleNamespace:
    return SimpleNamespace(
        esm_class=esm_class,
        short_message=text,
        receipted_message_id=tlvs.get("receipted_message_id"),
        message_state=tlvs.get("message_state"),
    )


def test_a_receipt_text_without_tlvs_is_understood():
    text = (
        b"id:0A1B2C sub:001 dlvrd:000 submit date:2601011200 done date:2601011201"
        b" stat:UNDELIV err:034 text:"
    )
    report = parse_receipt(deliver_sm(text))
    assert report is not None
    assert (report.gateway_id, report.delivered) == ("0A1B2C", False)
    assert report.reason == "SMSC: undeliverable (UNDELIV, err 034)"


def test_the_tlvs_win_over_the_text():
    report = parse_receipt(
        deliver_sm(b"id:WRONG stat:DELIVRD", receipted_message_id=b"RIGHT", message_state=3)
    )
    assert report is not None
    assert (report.gateway_id, report.delivered) == ("RIGHT", False)
    assert report.reason.startswith("SMSC: expired")


@pytest.mark.parametrize(
    ("stat", "delivered"),
    [
        ("DELIVRD", True),
        ("REJECTD", False),
        ("DELETED", False),
        ("ENROUTE", None),
        ("ACCEPTD", None),
    ],
)
def test_receipt_states(stat, delivered):
    report = parse_receipt(deliver_sm(f"id:1 stat:{stat} err:000".encode()))
    assert report is not None
    assert report.delivered is delivered


def test_a_message_from_a_handset_is_no_receipt():
    assert parse_receipt(deliver_sm("네 참석합니다".encode("utf-16-be"), esm_class=0)) is None


# ------------------------------------------------------------------------ the worker's listener


class Listener:
    """``receipts.run_smpp_listener`` in a thread, as ``sangdam worker`` runs it."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.thread = threading.Thread(target=receipts.run_smpp_listener, args=(self.stop,))

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()


@pytest.fixture
def smpp_settings(smsc, settings):
    settings.SANGDAM_SMS_BACKEND = "smpp"
    settings.SANGDAM_SMS_OPTIONS = smsc.options()
    receipts.inbox.retry()  # nothing left over from another test
    return settings


@pytest.fixture
def smpp_actor(transactional_db) -> Actor:
    organization = make_organization(service_name="smpp", name="에스엠", licensed_agents=3)
    MessagingSettings.all_objects.create(organization=organization, sender_number="0215880000")
    return Actor(make_user(organization=organization, username="agent7", name="최상담"), "::1")


def send_job(actor: Actor, numbers: list[str], body: str) -> SendJob:
    assert actor.user.organization is not None
    with tenant_scope(actor.user.organization):
        return sending.send_messages(
            actor=actor,
            draft=Draft([Recipient(number) for number in numbers], body),
            gateway_supports_mms=False,
        )


def wait_for_states(job: SendJob, state: str, timeout: float = 5.0) -> set[str]:
    deadline = time.monotonic() + timeout
    while True:
        found = set(Message.all_objects.filter(job=job).values_list("state", flat=True))
        if found == {state} or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_the_workers_listener_turns_receipts_into_delivered(
    smsc, smpp_settings, smpp_actor, monkeypatch
):
    monkeypatch.setattr(sending, "_start_dispatch", lambda: None)
    with Listener():
        assert smsc.wait(lambda: smsc.bound("RX"))
        job = send_job(smpp_actor, ["01050000001", "01050000002"], "방문 예약 안내")
        summary = sending.dispatch_due(gateway=SmppGateway(**smsc.options()))
        assert summary.sent == 2
        # Receipts went to the listener (a receiver is preferred), maybe before the
        # dispatcher stored the message IDs: the inbox keeps those and tries again.
        assert wait_for_states(job, MessageState.DELIVERED) == {MessageState.DELIVERED}
    assert smsc.binds == ["RX", "TRX"]
    assert receipts.inbox.waiting() == 0
    ids = set(Message.all_objects.filter(job=job).values_list("gateway_id", flat=True))
    assert ids == {s.message_id for s in smsc.submitted}


def test_a_failure_receipt_fails_the_message_with_the_smscs_reason(
    smsc, smpp_settings, smpp_actor, monkeypatch
):
    monkeypatch.setattr(sending, "_start_dispatch", lambda: None)
    smsc.receipt_states["01050000009"] = "EXPIRED"
    smsc.receipt_delay = 0.3  # long after the hand-over, as receipts usually come
    with Listener():
        job = send_job(smpp_actor, ["01050000009"], "안내")
        assert sending.dispatch_due(gateway=SmppGateway(**smsc.options())).sent == 1
        assert wait_for_states(job, MessageState.FAILED) == {MessageState.FAILED}
    message = Message.all_objects.get(job=job)
    assert message.reason == "SMSC: expired: the handset stayed unreachable (EXPIRED, err 001)"


def test_throttling_through_the_dispatcher_leaves_messages_queued(
    smsc, smpp_settings, smpp_actor, monkeypatch
):
    monkeypatch.setattr(sending, "_start_dispatch", lambda: None)
    smsc.throttle_next = 1
    job = send_job(smpp_actor, ["01050000011", "01050000012"], "안내")
    now = timezone.now()
    summary = sending.dispatch_due(gateway=SmppGateway(**smsc.options()), now=now)
    assert (summary.sent, summary.retry_at) == (0, now + dt.timedelta(seconds=30))
    reasons = set(Message.all_objects.filter(job=job).values_list("state", "reason"))
    assert len(reasons) == 1
    [(state, reason)] = reasons
    assert state == MessageState.QUEUED
    assert reason.startswith("SMSC status 0x00000058: Throttling error")


def test_the_listener_binds_again_after_the_smsc_drops_it(smsc):
    reports: list[DeliveryReport] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=listen_for_receipts,
        args=(stop,),
        kwargs={**smsc.options(), "on_receipt": reports.append, "reconnect_delays": (0.1,)},
    )
    thread.start()
    try:
        assert smsc.wait(lambda: smsc.bound("RX"))
        smsc.drop_all()
        assert smsc.wait(lambda: smsc.binds == ["RX", "RX"] and smsc.bound("RX"))
        gateway = SmppGateway(**smsc.options(), on_receipt=lambda r: None)
        accepted = gateway.send(outgoing("01012345678", "안내"))
        assert smsc.wait(lambda: len(reports) == 1)
        gateway.close()
    finally:
        stop.set()
        thread.join(timeout=10)
    assert [r.gateway_id for r in reports] == [accepted.gateway_id]
    assert smsc.wait(lambda: not smsc.bound("RX"))  # unbound when stopped


def test_an_unmatched_receipt_waits_and_is_dropped_after_a_while():
    known: set[str] = set()
    clock = [0.0]
    inbox = receipts.ReceiptInbox(
        keep_for=60, clock=lambda: clock[0], record=lambda r: r.gateway_id in known
    )
    early = DeliveryReport("", "A1", True, "SMSC: delivered (DELIVRD)", timezone.now())
    stray = DeliveryReport("", "ZZ", True, "SMSC: delivered (DELIVRD)", timezone.now())
    assert inbox.accept(early) is False
    assert inbox.accept(stray) is False
    known.add("A1")  # the dispatcher stored the ID
    inbox.retry()
    assert inbox.waiting() == 1
    clock[0] = 61.0
    inbox.retry()
    assert inbox.waiting() == 0


def test_a_kept_receipt_survives_a_database_error_while_retried():
    outcomes: list[bool | Exception] = [False, DatabaseError("restarting"), True]

    def record(report: DeliveryReport) -> bool:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    inbox = receipts.ReceiptInbox(record=record)
    inbox.accept(DeliveryReport("", "B2", False, "SMSC: undeliverable (UNDELIV)", timezone.now()))
    inbox.retry()
    assert inbox.waiting() == 1
    inbox.retry()
    assert (inbox.waiting(), outcomes) == (0, [])


def test_the_listener_does_nothing_with_another_backend(settings):
    settings.SANGDAM_SMS_BACKEND = "kannel"
    stop = threading.Event()
    started = time.monotonic()
    receipts.run_smpp_listener(stop)  # returns at once
    assert time.monotonic() - started < 1
