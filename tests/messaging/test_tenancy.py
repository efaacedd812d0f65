"""Every messaging record belongs to one organization and is invisible from another."""

from __future__ import annotations

import pytest
from django_scopes import ScopeError

from sangdam.accounts.audit import Actor
from sangdam.core.tenancy import tenant_scope
from sangdam.messaging import sending
from sangdam.messaging.enums import OptOutSource
from sangdam.messaging.models import (
    Message,
    MessageTemplate,
    MessagingSettings,
    OptOutNumber,
    SendJob,
)
from sangdam.messaging.recipients import Recipient

MODELS = (Message, MessageTemplate, MessagingSettings, OptOutNumber, SendJob)


def test_other_tenants_messaging_rows_are_out_of_sight(
    organization, other_organization, agent, sender_settings
):
    with tenant_scope(organization):
        sending.send_messages(
            actor=Actor(agent, "127.0.0.1"),
            draft=sending.Draft([Recipient("010-1111-0001")], "비밀"),
            gateway_supports_mms=True,
        )
        MessageTemplate.objects.create(organization=organization, title="비밀", body="비밀")
        OptOutNumber.objects.create(
            organization=organization, phone="01011110002", source=OptOutSource.MANUAL
        )
        assert all(model.objects.exists() for model in MODELS)
    with tenant_scope(other_organization):
        assert [model.objects.count() for model in MODELS] == [0] * len(MODELS)
        assert list(sending.scheduled_messages()) == []
        assert list(sending.customer_messages(1)) == []
    for model in MODELS:
        with pytest.raises(ScopeError):
            model.objects.count()
