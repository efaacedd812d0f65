"""/api/v1/messaging: sending, jobs, history, reservations, templates, the 080 list, settings."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from sangdam.accounts.audit import Actor
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm.models import Customer
from sangdam.messaging import sending
from sangdam.messaging.enums import MessageState
from sangdam.messaging.gateways.memory import MemoryGateway
from sangdam.messaging.models import (
    Message,
    MessageTemplate,
    MessagingSettings,
    OptOutNumber,
    SendJob,
)
from tests.accounts.test_api import Api, token_for
from tests.crm.crm import make_customer
from tests.messaging.sms_admin import send

pytestmark = pytest.mark.usefixtures("sender_settings")
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 1000


def english(user: User) -> Api:
    """A client of ``user``, who reads English: the answers' messages are compared."""
    user.language = "en"
    user.save(update_fields=["language"])
    return Api(token_for(user))


@pytest.fixture
def as_admin(admin: User) -> Api:
    return english(admin)


@pytest.fixture
def as_agent(agent: User) -> Api:
    return english(agent)


@pytest.fixture
def theirs(other_organization: Organization, other_admin: User) -> dict[str, Any]:
    """Another organization's job (scheduled), message and template."""
    with tenant_scope(other_organization):
        MessagingSettings.all_objects.create(
            organization=other_organization, sender_number="0215881111"
        )
        at = (timezone.now() + dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
        job = send(
            Actor(other_admin, "127.0.0.1"), "010-9000-0001", body="남의 문자", scheduled_at=at
        )
        template = MessageTemplate.all_objects.create(
            organization=other_organization, title="남의 양식", body="남의 내용"
        )
        return {"job": job, "message": Message.objects.get(job=job), "template": template}


def in_scope(organization: Organization) -> Any:
    return tenant_scope(organization)


# ------------------------------------------------------------------------------------ sending


def test_an_agent_sends_to_numbers_and_customers_and_follows_the_job(
    as_agent: Api, agent: User, organization: Organization
) -> None:
    with in_scope(organization):
        hong = make_customer(agent, "홍길동", "010-1234-5678")
        make_customer(agent, "거부", "010-3333-4444", sms_opt_out=True)

    sent = as_agent.send(
        "post",
        "/messaging/messages",
        {
            "recipients": [
                {"customer_id": hong.pk},
                {"phone": "010 2222 3333", "name": "김철수"},
                {"phone": "010-3333-4444"},
                {"phone": "01022223333"},
            ],
            "body": "{고객명}님 안녕하세요",
        },
    )

    assert sent.status_code == 201, sent.content
    job = sent.json()
    assert (job["recipient_count"], job["skipped_count"], job["duplicate_count"]) == (2, 1, 1)
    assert job["progress"]["waiting"] == 2
    assert job["progress"]["skipped"] == 1
    assert job["sender_number"] == "0215880000"
    with in_scope(organization):
        bodies = dict(Message.objects.filter(job_id=job["id"]).values_list("phone", "body"))
    assert bodies == {
        "01012345678": "홍길동님 안녕하세요",
        "01022223333": "김철수님 안녕하세요",
        "01033334444": "거부님 안녕하세요",
    }

    sending.dispatch_due(gateway=MemoryGateway(), now=timezone.now() + dt.timedelta(seconds=1))
    progress = as_agent.get(f"/messaging/jobs/{job['id']}").json()["progress"]

    assert (progress["sent"], progress["waiting"], progress["finished"]) == (2, 0, True)


def test_bad_input_is_answered_400_naming_the_fields(as_agent: Api) -> None:
    response = as_agent.send(
        "post",
        "/messaging/messages",
        {
            "recipients": [{"phone": "02-123-4567"}, {"customer_id": 999999}],
            "body": "안녕",
        },
    )
    empty = as_agent.send("post", "/messaging/messages", {"recipients": [], "body": " "})

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "recipients", "message": "Recipient 2: customer 999999 does not exist."}
    ]
    assert empty.status_code == 400
    assert {error["field"] for error in empty.json()["errors"]} == {"body", "recipients"}


def test_a_scheduled_send_waits_and_a_base64_jpg_makes_an_mms(
    as_agent: Api, organization: Organization
) -> None:
    at = (timezone.now() + dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    naive = at.astimezone(dt.timezone(dt.timedelta(hours=9))).replace(tzinfo=None)

    response = as_agent.send(
        "post",
        "/messaging/messages",
        {
            "recipients": [{"phone": "010-1234-5678"}],
            "body": "사진 안내",
            "scheduled_at": naive.isoformat(),
            "image": {"name": "photo.jpg", "data": base64.b64encode(JPEG).decode()},
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["has_image"] is True
    with in_scope(organization):
        message = Message.objects.get(job_id=response.json()["id"])
    # A time without an offset is the organization's (Seoul) time.
    assert (message.kind, message.state, message.due_at) == ("MMS", MessageState.SCHEDULED, at)


def test_an_image_that_is_not_base64_is_refused(as_agent: Api) -> None:
    response = as_agent.send(
        "post",
        "/messaging/messages",
        {"recipients": [{"phone": "010-1234-5678"}], "body": "x", "image": {"data": "%%%"}},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "image", "message": "The image is not valid base64 data."}
    ]


def test_agents_see_only_their_own_jobs(
    as_agent: Api, admin: User, organization: Organization
) -> None:
    with in_scope(organization):
        admins_job = send(Actor(admin, "127.0.0.1"), "010-1234-5678")

    assert as_agent.get(f"/messaging/jobs/{admins_job.pk}").status_code == 404
    assert Api(token_for(admin)).get(f"/messaging/jobs/{admins_job.pk}").status_code == 200


# ------------------------------------------------------------------------------------ history


def test_the_history_filters_by_type_and_refuses_a_start_over_a_year_back(
    as_admin: Api, actor: Actor, organization: Organization
) -> None:
    with in_scope(organization):
        send(actor, "010-1000-0001", body="짧은 문자")
        lms = send(actor, "010-1000-0002", body="가" * 41)
    today = timezone.localdate()

    only_lms = as_admin.get("/messaging/messages", kind="LMS").json()
    too_old = as_admin.get("/messaging/messages", start=str(today - dt.timedelta(days=366)))

    assert [m["job_id"] for m in only_lms["results"]] == [lms.pk]
    assert only_lms["results"][0]["kind"] == "LMS"
    assert only_lms["results"][0]["sent_by"] == "김상담 (agent1)"
    assert too_old.status_code == 400
    assert too_old.json()["errors"][0]["field"] == "start"


def test_agents_may_not_read_the_history(as_agent: Api) -> None:
    assert as_agent.get("/messaging/messages").status_code == 403
    assert as_agent.get("/messaging/scheduled").status_code == 403


# ------------------------------------------------------------------------------- reservations


def test_reservations_are_listed_and_cancelled(
    as_admin: Api, actor: Actor, organization: Organization
) -> None:
    at = (timezone.now() + dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    with in_scope(organization):
        job = send(actor, "010-1000-0001", "010-1000-0002", scheduled_at=at)
        first, second = Message.objects.filter(job=job).order_by("pk")

    listed = as_admin.get("/messaging/scheduled").json()
    cancelled = as_admin.send("post", "/messaging/scheduled/cancel", {"ids": [first.pk]})
    again = as_admin.send("post", "/messaging/scheduled/cancel", {"ids": [first.pk]})

    assert [m["id"] for m in listed["results"]] == [first.pk, second.pk]
    assert cancelled.json() == {
        "cancelled": 1,
        "not_cancelled": 0,
        "detail": "1 scheduled message was cancelled.",
    }
    assert again.status_code == 400
    assert "no longer scheduled" in again.json()["detail"]
    with in_scope(organization):
        states = list(
            Message.objects.filter(job=job).order_by("pk").values_list("state", flat=True)
        )
    assert states == [MessageState.CANCELLED, MessageState.SCHEDULED]


# ---------------------------------------------------------------------------------- templates


def test_templates_are_read_by_agents_and_changed_by_administrators(
    as_admin: Api, as_agent: Api
) -> None:
    created = as_admin.send("post", "/messaging/templates", {"title": "점검", "body": "가" * 41})
    template_id = created.json()["id"]
    duplicate = as_admin.send("post", "/messaging/templates", {"title": "점검", "body": "x"})
    changed = as_admin.send(
        "put", f"/messaging/templates/{template_id}", {"title": "점검 안내", "body": "짧게"}
    )
    read = as_agent.get("/messaging/templates").json()
    refused = as_agent.send("post", "/messaging/templates", {"title": "몰래", "body": "x"})
    deleted = as_admin.send("delete", f"/messaging/templates/{template_id}")

    assert (created.status_code, created.json()["kind"], created.json()["bytes"]) == (
        201,
        "LMS",
        82,
    )
    assert duplicate.status_code == 400
    assert duplicate.json()["errors"] == [
        {"field": "title", "message": "A template named 점검 exists already. Choose another name."}
    ]
    assert (changed.json()["title"], changed.json()["kind"]) == ("점검 안내", "SMS")
    assert [t["title"] for t in read] == ["점검 안내"]
    assert refused.status_code == 403
    assert deleted.status_code == 204
    assert not MessageTemplate.all_objects.exists()


# ---------------------------------------------------------------------------------- opt-outs


def test_the_080_service_adds_a_number_which_ticks_its_customer(
    as_admin: Api, agent: User, actor: Actor, organization: Organization
) -> None:
    with in_scope(organization):
        hong = make_customer(agent, "홍길동", "010-1234-5678")

    added = as_admin.send("post", "/messaging/opt-outs", {"phone": "010-1234-5678"})
    again = as_admin.send("post", "/messaging/opt-outs", {"phone": "01012345678"})
    listed = as_admin.get("/messaging/opt-outs", q="1234").json()

    assert added.status_code == 201
    assert (added.json()["source"], added.json()["customers_flagged"]) == ("080", 1)
    assert (again.status_code, again.json()["created"]) == (200, False)
    assert [entry["phone"] for entry in listed["results"]] == ["01012345678"]
    assert Customer.all_objects.get(pk=hong.pk).sms_opt_out is True
    with in_scope(organization):
        job = send(actor, "010-1234-5678")
        assert Message.objects.get(job=job).state == MessageState.SKIPPED


def test_a_number_is_taken_off_the_list_but_its_customer_stays_ticked(
    as_admin: Api, agent: User, organization: Organization
) -> None:
    with in_scope(organization):
        hong = make_customer(agent, "홍길동", "010-1234-5678")
    as_admin.send("post", "/messaging/opt-outs", {"phone": "010-1234-5678", "source": "MANUAL"})

    removed = as_admin.send("delete", "/messaging/opt-outs/010-1234-5678")
    missing = as_admin.send("delete", "/messaging/opt-outs/010-1234-5678")

    assert (removed.status_code, missing.status_code) == (204, 404)
    assert not OptOutNumber.all_objects.exists()
    assert Customer.all_objects.get(pk=hong.pk).sms_opt_out is True


def test_a_landline_cannot_be_listed(as_admin: Api) -> None:
    response = as_admin.send("post", "/messaging/opt-outs", {"phone": "02-123-4567"})

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "phone", "message": "02-123-4567 is not a mobile number."}
    ]


def test_agents_may_not_change_the_opt_out_list(as_agent: Api) -> None:
    added = as_agent.send("post", "/messaging/opt-outs", {"phone": "010-1234-5678"})

    assert added.status_code == 403
    assert OptOutNumber.all_objects.count() == 0


# ---------------------------------------------------------------------------------- settings


def test_settings_are_read_and_saved_by_administrators(
    as_admin: Api, as_agent: Api, organization: Organization
) -> None:
    saved = as_admin.send(
        "put",
        "/messaging/settings",
        {"sender_number": "1588-0000", "sender_name": "에이크미", "opt_out_number": "080-123-4567"},
    )
    bad = as_admin.send("put", "/messaging/settings", {"sender_number": "12345"})

    assert saved.json() == {
        "sender_number": "15880000",
        "sender_name": "에이크미",
        "opt_out_number": "0801234567",
    }
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"field": "sender_number", "message": "12345 is not a valid phone number."}
    ]
    assert as_agent.get("/messaging/settings").status_code == 403


# ---------------------------------------------------------------------------------- tenancy


def test_another_organizations_job_message_and_template_are_out_of_reach(
    as_admin: Api, theirs: dict[str, Any], actor: Actor, organization: Organization
) -> None:
    job: SendJob = theirs["job"]
    message: Message = theirs["message"]
    template: MessageTemplate = theirs["template"]
    with in_scope(organization):
        send(actor, "010-1000-0001")

    job_read = as_admin.get(f"/messaging/jobs/{job.pk}")
    template_read = as_admin.get(f"/messaging/templates/{template.pk}")
    template_changed = as_admin.send(
        "put", f"/messaging/templates/{template.pk}", {"title": "바꿈", "body": "바꿈"}
    )
    template_deleted = as_admin.send("delete", f"/messaging/templates/{template.pk}")
    cancelled = as_admin.send("post", "/messaging/scheduled/cancel", {"ids": [message.pk]})
    history = as_admin.get("/messaging/messages").json()
    scheduled = as_admin.get("/messaging/scheduled").json()
    templates = as_admin.get("/messaging/templates").json()

    assert (job_read.status_code, template_read.status_code) == (404, 404)
    assert (template_changed.status_code, template_deleted.status_code) == (404, 404)
    assert cancelled.status_code == 400
    assert message.pk not in [m["id"] for m in history["results"]]
    assert history["count"] == 1
    assert scheduled["count"] == 0
    assert templates == []
    assert Message.all_objects.get(pk=message.pk).state == MessageState.SCHEDULED
    assert MessageTemplate.all_objects.get(pk=template.pk).title == "남의 양식"
