from __future__ import annotations

from collections.abc import Iterator

import pytest

from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm.models import ConsultationType, Customer
from tests.crm.crm import make_agent, make_customer, make_type


@pytest.fixture
def agent2(organization: Organization) -> User:
    return make_agent(organization, "agent2", name="이상담", extension="1002")


@pytest.fixture
def editor(organization: Organization) -> User:
    return make_agent(organization, "editor", name="편집자", can_edit_consultations=True)


@pytest.fixture
def kind(organization: Organization) -> Iterator[ConsultationType]:
    with tenant_scope(organization):
        yield make_type(organization)


@pytest.fixture
def customer(organization: Organization, agent: User) -> Iterator[Customer]:
    with tenant_scope(organization):
        yield make_customer(agent)
