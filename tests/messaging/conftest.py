from __future__ import annotations

from collections.abc import Iterator

import pytest

from sangdam.accounts.audit import Actor
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.messaging.gateways.memory import MemoryGateway
from sangdam.messaging.models import MessagingSettings


@pytest.fixture(autouse=True)
def outbox() -> Iterator[type[MemoryGateway]]:
    MemoryGateway.reset()
    yield MemoryGateway
    MemoryGateway.reset()


@pytest.fixture
def sender_settings(organization: Organization) -> MessagingSettings:
    return MessagingSettings.all_objects.create(
        organization=organization,
        sender_number="0215880000",
        sender_name="에이크미",
        opt_out_number="0801234567",
    )


@pytest.fixture
def scoped(organization: Organization) -> Iterator[None]:
    with tenant_scope(organization):
        yield


@pytest.fixture
def actor(agent: User) -> Actor:
    return Actor(agent, "127.0.0.1")
