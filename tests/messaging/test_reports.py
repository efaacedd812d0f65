"""Kannel's delivery-report callback: the signature, the DLR types, and what the message shows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from sangdam.messaging import sending
from sangdam.messaging.enums import MessageState
from sangdam.messaging.gateways.base import OutgoingMessage
from sangdam.messaging.gateways.kannel import (
    DLR_MASK,
    KannelGateway,
    dlr_outcome,
    sign_reference,
    unsign_reference,
)
from sangdam.messaging.gateways.memory import MemoryGateway
from sangdam.messaging.models import Message
from sangdam.messaging.recipients import Recipient
from sangdam.messaging.sending import Draft

REPORT_PATH = "/messaging/reports/kannel"


@pytest.mark.parametrize(
    ("dlr_type", "delivered"),
    [(1, True), (2, False), (4, None), (8, None), (16, False), (99, None)],
)
def test_each_kannel_dlr_type_means_delivered_failed_or_nothing_final(dlr_type, delivered):
    assert dlr_outcome(dlr_type).delivered is delivered


def test_a_failure_reason_names_the_stage_and_quotes_the_smsc():
    outcome = dlr_outcome(2, "id:1F stat:UNDELIV  err:001")
    assert outcome.reason == "not delivered to the handset (id:1F stat:UNDELIV err:001)"
    assert dlr_outcome(16).reason == "rejected by the SMSC"


def test_a_signed_reference_round_trips_and_a_forged_one_does_not():
    signed = sign_reference("42")
    assert signed.startswith("42:")
    assert unsign_reference(signed) == "42"
    with pytest.raises(signing.BadSignature):
        unsign_reference("43" + signed[2:])
    with pytest.raises(signing.BadSignature):
        unsign_reference("42:forged")


def test_the_dlr_url_asks_kannel_for_type_answer_and_time_with_a_signed_reference():
    gateway = KannelGateway(
        url="http://127.0.0.1:13013/cgi-bin/sendsms",
        username="u",
        password="p",
        report_url="https://crm.example.kr/messaging/reports/kannel",
    )
    query = gateway.query(OutgoingMessage("7", "01012345678", "0215880000", "LMS", "공지", "본문"))
    assert query["dlr-url"] == (
        "https://crm.example.kr/messaging/reports/kannel"
        f"?ref={sign_reference('7')}&type=%d&answer=%A&at=%T"
    )
    # Delivered, failed at the handset, refused by the SMSC.
    assert query["dlr-mask"] == str(DLR_MASK) == "19"
    assert query["text"] == "공지\n본문"
    assert (query["coding"], query["charset"]) == ("2", "UTF-8")


def test_without_a_report_url_no_report_is_asked_for():
    gateway = KannelGateway(url="http://127.0.0.1:1/cgi-bin/sendsms", username="u", password="p")
    query = gateway.query(OutgoingMessage("7", "01012345678", "0215880000", "SMS", "", "x"))
    assert "dlr-url" not in query
    assert "dlr-mask" not in query


def test_the_report_url_is_the_one_settings_name():
    assert reverse("messaging:kannel-report") == REPORT_PATH


@pytest.fixture
def sent(actor, sender_settings, scoped) -> Message:
    sending.send_messages(
        actor=actor, draft=Draft([Recipient("010-1234-5678")], "안내"), gateway_supports_mms=True
    )
    sending.dispatch_due(gateway=MemoryGateway())
    message = Message.objects.get()
    assert message.state == MessageState.SENT
    return message


def report(client, reference: str, dlr_type: int, **extra: str):
    return client.get(REPORT_PATH, {"ref": reference, "type": str(dlr_type), **extra})


def test_a_delivered_report_makes_the_message_delivered_without_login_or_tenant(client, sent):
    at = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=1)
    response = report(client, sign_reference(str(sent.pk)), 1, at=str(int(at.timestamp())))
    assert (response.status_code, response.content) == (200, b"OK")
    sent.refresh_from_db()
    assert (sent.state, sent.reported_at, sent.reason) == (MessageState.DELIVERED, at, "")


def test_a_failed_report_fails_the_message_with_the_reason(client, sent):
    response = report(client, sign_reference(str(sent.pk)), 2, answer="stat:UNDELIV err:001")
    assert response.status_code == 200
    sent.refresh_from_db()
    assert sent.state == MessageState.FAILED
    assert sent.reason == "not delivered to the handset (stat:UNDELIV err:001)"


def test_an_intermediate_report_changes_nothing_and_a_final_state_stays(client, sent):
    assert report(client, sign_reference(str(sent.pk)), 8, answer="ACK/").status_code == 200
    sent.refresh_from_db()
    assert sent.state == MessageState.SENT
    assert report(client, sign_reference(str(sent.pk)), 1).status_code == 200
    # A late failure report does not undo the delivery.
    assert report(client, sign_reference(str(sent.pk)), 16).status_code == 200
    sent.refresh_from_db()
    assert sent.state == MessageState.DELIVERED


def test_a_forged_signature_is_refused_and_changes_nothing(client, sent):
    forged = f"{sent.pk}:{'x' * 27}"
    assert report(client, forged, 1).status_code == 400
    other = sign_reference(str(sent.pk + 1))
    tampered = f"{sent.pk}:{other.split(':', 1)[1]}"
    assert report(client, tampered, 1).status_code == 400
    assert client.get(REPORT_PATH, {"type": "1"}).status_code == 400
    assert report(client, sign_reference(str(sent.pk)), "x").status_code == 400  # type: ignore[arg-type]
    sent.refresh_from_db()
    assert (sent.state, sent.reported_at) == (MessageState.SENT, None)


def test_a_report_for_an_unknown_message_answers_404(client, db):
    assert report(client, sign_reference("987654"), 1).status_code == 404


def test_kannel_calls_with_get_only(client, sent):
    response = client.post(REPORT_PATH, {"ref": sign_reference(str(sent.pk)), "type": "1"})
    assert response.status_code == 405
