"""문자 설정 (G-CC-08): the sender number, the sender name and the 080 opt-out number."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sangdam.accounts.audit import Actor
from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.messaging.models import MessagingSettings
from tests.conftest import ClientOf
from tests.messaging.sms_admin import audited, english_client, send

URL = reverse("messaging:settings")


@pytest.fixture
def web(client_of: ClientOf, admin: User) -> Client:
    return english_client(client_of, admin)


def saved(organization: Organization) -> tuple[str, str, str]:
    found = MessagingSettings.all_objects.get(organization=organization)
    return (found.sender_number, found.sender_name, found.opt_out_number)


def test_saved_numbers_are_stored_as_digits_and_shown_formatted(
    web: Client, organization: Organization
) -> None:
    response = web.post(
        URL,
        {
            "sender_number": "02-1588-0000",
            "sender_name": "에이크미",
            "opt_out_number": "0801234567",
        },
    )

    assert response.status_code == 302
    assert saved(organization) == ("0215880000", "에이크미", "0801234567")
    page = web.get(URL).content.decode()
    assert 'value="02-1588-0000"' in page
    assert 'value="080-123-4567"' in page
    assert "(광고)에이크미" in page
    assert "무료거부 080-123-4567" in page
    assert audited(WorkScreen.SMS_SETTINGS, WorkAction.UPDATE) == [
        "sender_number: - → 02-1588-0000; sender_name: - → 에이크미; "
        "opt_out_number: - → 080-123-4567"
    ]


def test_every_field_is_explained(web: Client) -> None:
    page = web.get(URL).content.decode()

    assert "registered in advance with the carrier" in page
    assert "Advertising messages must begin with (광고) and this name" in page
    assert "The free 080 line of the opt-out add-on service." in page
    assert "No sender number is set: no message can be sent until you save one." in page


def test_messages_go_out_from_the_saved_number(
    web: Client, organization: Organization, agent: User, scoped: None
) -> None:
    web.post(URL, {"sender_number": "1588-0000", "sender_name": "", "opt_out_number": ""})

    job = send(Actor(agent, "127.0.0.1"), "010-1234-0001")

    assert job.sender_number == "15880000"


@pytest.mark.parametrize(
    ("sender", "opt_out", "field", "message"),
    [
        ("12345", "", "sender_number", "12345 is not a valid phone number."),
        ("", "", "sender_number", "Enter the sender number registered with the carrier."),
        ("+1 650 253 0000", "", "sender_number", "+1 650 253 0000 is not a Korean number."),
        (
            "02-1588-0000",
            "02-123-4567",
            "opt_out_number",
            "The opt-out number must be a free 080 number, e.g. 080-123-4567.",
        ),
    ],
)
def test_bad_numbers_are_refused_on_their_field(
    web: Client, organization: Organization, sender: str, opt_out: str, field: str, message: str
) -> None:
    MessagingSettings.all_objects.create(organization=organization, sender_number="0215880000")

    response = web.post(
        URL, {"sender_number": sender, "sender_name": "", "opt_out_number": opt_out}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="error-{field}">{message}' in page
    assert saved(organization) == ("0215880000", "", "")


def test_agents_may_not_open_the_settings(client_of: ClientOf, agent: User) -> None:
    web = client_of(agent)

    assert web.get(URL).status_code == 403
    assert web.post(URL, {"sender_number": "0215880000"}).status_code == 403
    assert not MessagingSettings.all_objects.exclude(sender_number="").exists()
