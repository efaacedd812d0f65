from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.utils import timezone, translation

from sangdam.core.errors import InvalidInput
from sangdam.messaging import sending
from sangdam.messaging.enums import MessageState
from sangdam.messaging.models import Message, MessagingSettings
from sangdam.messaging.recipients import Recipient
from sangdam.messaging.sending import Draft, Image
from tests.crm.crm import make_customer

SEOUL = dt.timezone(dt.timedelta(hours=9))
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 1000


def send(actor, **fields):
    fields.setdefault("recipients", [Recipient("010-1234-0001")])
    fields.setdefault("body", "안녕하세요")
    return sending.send_messages(actor=actor, draft=Draft(**fields), gateway_supports_mms=True)


def refusal(actor, **fields):
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        send(actor, **fields)
    return caught.value.errors


def test_each_recipient_gets_their_name_and_the_send_date(actor, sender_settings, scoped, agent):
    kim = make_customer(agent, "김민수", "010-5000-0001")
    with time_machine.travel(dt.datetime(2026, 11, 23, 23, 30, tzinfo=SEOUL), tick=False):
        job = send(
            actor,
            recipients=[Recipient(kim.mobile), Recipient("010-5000-0002")],
            body="{고객명}님 {오늘날짜} 점검",
        )
    bodies = dict(Message.objects.filter(job=job).values_list("phone", "body"))
    # 23:30 in Seoul is 14:30 UTC: the date is Seoul's.
    assert bodies == {
        "01050000001": "김민수님 2026-11-23 점검",
        "01050000002": "님 2026-11-23 점검",
    }
    assert job.recipient_count == 2
    assert Message.objects.filter(job=job, state=MessageState.QUEUED).count() == 2


def test_scheduled_message_carries_the_scheduled_date(actor, sender_settings, scoped):
    now = dt.datetime(2026, 11, 23, 23, 0, tzinfo=SEOUL)
    at = dt.datetime(2026, 11, 24, 9, 0, tzinfo=SEOUL)
    with time_machine.travel(now, tick=False):
        job = send(actor, body="{오늘날짜} 안내", scheduled_at=at)
    message = Message.objects.get(job=job)
    assert (message.body, message.state, message.due_at) == (
        "2026-11-24 안내",
        MessageState.SCHEDULED,
        at,
    )


def test_type_is_decided_per_recipient_after_filling_in(actor, sender_settings, scoped, agent):
    make_customer(agent, "이도", "010-6000-0001")
    make_customer(agent, "남궁민수", "010-6000-0002")
    job = send(
        actor,
        recipients=[Recipient("010-6000-0001"), Recipient("010-6000-0002")],
        body="가" * 38 + "{고객명}",
        title="안내",
    )
    kinds = dict(Message.objects.filter(job=job).values_list("phone", "kind"))
    assert kinds == {"01060000001": "SMS", "01060000002": "LMS"}


def test_an_image_makes_every_message_mms(actor, sender_settings, scoped):
    job = send(actor, image=Image("photo.jpg", JPEG))
    assert Message.objects.get(job=job).kind == "MMS"
    assert job.image.name.endswith(".jpg")


def test_opted_out_recipients_are_stored_as_skipped_with_the_reason(
    actor, sender_settings, scoped, agent
):
    make_customer(agent, "거부", "010-7000-0001", sms_opt_out=True)
    job = send(actor, recipients=[Recipient("010-7000-0001"), Recipient("010-7000-0002")])
    assert (job.recipient_count, job.skipped_count) == (1, 1)
    skipped = Message.objects.get(job=job, state=MessageState.SKIPPED)
    assert (skipped.name, skipped.skip_reason) == ("거부", "CUSTOMER")


def test_duplicates_in_one_job_become_one_message(actor, sender_settings, scoped):
    job = send(actor, recipients=[Recipient("010-8000-0001"), Recipient("01080000001")])
    assert Message.objects.filter(job=job).count() == 1
    assert job.duplicate_count == 1


def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(actor, sender_settings, scoped):
    errors = refusal(
        actor,
        recipients=[],
        body="   ",
        title="가" * 21,
        image=Image("a.png", b"\x89PNG"),
        scheduled_at=timezone.now() - dt.timedelta(minutes=1),
    )
    assert errors == {
        "body": ["Write the message."],
        "title": ["The title may have at most 40 bytes."],
        "image": ["Only JPG images can be sent as MMS."],
        "scheduled_at": ["The scheduled time has passed. Choose a time in the future."],
        "recipients": ["Add at least one recipient."],
    }
    assert not Message.objects.exists()


def test_oversize_image_and_body_are_refused(actor, sender_settings, scoped):
    errors = refusal(actor, body="가" * 1001, image=Image("big.jpg", JPEG + b"\0" * 300 * 1024))
    assert errors["body"] == ["The message is 2,002 bytes; at most 2,000 bytes can be sent."]
    assert errors["image"] == ["The image is 301 KB; an MMS image may have at most 300 KB."]


def test_mms_is_refused_when_the_gateway_cannot_send_it(actor, sender_settings, scoped):
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        sending.send_messages(
            actor=actor,
            draft=Draft([Recipient("010-1234-0001")], "사진", image=Image("a.jpg", JPEG)),
            gateway_supports_mms=False,
        )
    assert caught.value.errors == {
        "image": ["The SMS gateway in use cannot send MMS. Remove the image to send."]
    }


@pytest.mark.parametrize(
    ("minutes_ahead", "problem"),
    [
        (5, "Schedule at least 10 minutes ahead."),
        (31 * 24 * 60, "Schedule at most 30 days ahead."),
        (63, "Choose a time in steps of 5 minutes."),
        (60, ""),
    ],
)
def test_schedule_rules(minutes_ahead, problem):
    now = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SEOUL)
    with translation.override("en"):
        assert (
            sending.schedule_problem(now + dt.timedelta(minutes=minutes_ahead), now=now) == problem
        )


def test_nothing_is_sent_without_a_sender_number(actor, organization, scoped):
    MessagingSettings.all_objects.create(organization=organization)
    assert refusal(actor) == {
        "": ["No sender number is registered. An administrator sets it in SMS settings."]
    }


def test_advertising_needs_prefix_opt_out_line_and_daytime(actor, sender_settings, scoped):
    with time_machine.travel(dt.datetime(2026, 11, 23, 22, 0, tzinfo=SEOUL), tick=False):
        errors = refusal(actor, body="세일 안내", is_advertising=True)
    assert errors == {
        "body": [
            "An advertising message must begin with (광고).",
            "An advertising message must show the free opt-out number.",
            "Advertising cannot be sent between 21:00 and 08:00 without separate consent.",
        ]
    }
    with time_machine.travel(dt.datetime(2026, 11, 23, 14, 0, tzinfo=SEOUL), tick=False):
        job = send(
            actor, body="(광고)에이크미\n세일 안내\n무료거부 080-123-4567", is_advertising=True
        )
    assert job.is_advertising


def test_preview_counts_types_drops_and_missing_names(organization, sender_settings, scoped, agent):
    make_customer(agent, "거부", "010-9000-0001", sms_opt_out=True)
    make_customer(agent, "김", "010-9000-0002")
    result = sending.preview(
        Draft(
            [Recipient("010-9000-0001"), Recipient("010-9000-0002"), Recipient("010-9000-0003")],
            "{고객명}님 안녕하세요",
        ),
        organization=organization,
    )
    assert result.kinds == {"SMS": 2}
    assert Counter(r.skip_reason for r in result.resolution.skipped) == {"CUSTOMER": 1}
    assert [r.phone for r in result.nameless] == ["01090000003"]


def test_cancel_only_scheduled_messages(actor, sender_settings, scoped):
    at = (timezone.now() + dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    job = send(
        actor, recipients=[Recipient("010-1000-1001"), Recipient("010-1000-1002")], scheduled_at=at
    )
    first, second = Message.objects.filter(job=job).order_by("pk")
    assert sending.cancel_scheduled(actor=actor, message_ids=[first.pk]) == 1
    assert list(sending.scheduled_messages()) == [second]
    with translation.override("en"), pytest.raises(sending.MessagingRefused) as caught:
        sending.cancel_scheduled(actor=actor, message_ids=[first.pk])
    assert "no longer scheduled" in caught.value.message


def test_history_reaches_one_year_back_and_filters_by_type(actor, sender_settings, scoped):
    zone = sending.zone_of(actor.user.organization)
    today = timezone.now().astimezone(zone).date()
    send(actor, body="짧은 문자")
    send(actor, recipients=[Recipient("010-1000-2002")], body="긴 문자 " * 20)
    with time_machine.travel(timezone.now() - dt.timedelta(days=400)):
        send(actor, recipients=[Recipient("010-1000-2003")], body="오래된 문자")
    all_kinds = sending.message_history(start=today - dt.timedelta(days=500), end=today, zone=zone)
    assert sorted(m.body[:3] for m in all_kinds) == ["긴 문", "짧은 "]
    lms = sending.message_history(start=today, end=today, kind="LMS", zone=zone)
    assert [m.kind for m in lms] == ["LMS"]
