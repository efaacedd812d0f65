from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from tests.factories import PASSWORD, make_organization, make_user

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (arranging data, checking rows) are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def organization(db: None) -> Organization:
    return make_organization(service_name="acme", name="에이크미", licensed_agents=3)


@pytest.fixture
def other_organization(db: None) -> Organization:
    return make_organization(service_name="other", name="다른 회사", licensed_agents=3)


@pytest.fixture
def admin(organization: Organization) -> User:
    return make_user(
        organization=organization, username="admin", name="관리자", role=Role.ORG_ADMIN
    )


@pytest.fixture
def agent(organization: Organization) -> User:
    return make_user(
        organization=organization,
        username="agent1",
        name="김상담",
        role=Role.AGENT,
        extension="1001",
    )


@pytest.fixture
def other_admin(other_organization: Organization) -> User:
    return make_user(
        organization=other_organization, username="admin", name="다른 관리자", role=Role.ORG_ADMIN
    )


def sign_in(client: Client, user: User, password: str = PASSWORD, **extra: Any) -> Any:
    """Sign in through the real login form, as a person would."""
    return client.post(
        "/login/",
        {
            "service_name": user.organization.service_name,
            "username": user.username,
            "password": password,
        },
        **extra,
    )


ClientOf = Callable[[User], Client]


@pytest.fixture
def client_of(client: Client) -> ClientOf:
    def make(user: User) -> Client:
        fresh = Client()
        response = sign_in(fresh, user)
        assert response.status_code == 302, response.content.decode()[:500]
        return fresh

    return make


@pytest.fixture
def scoped(organization: Organization) -> Iterator[None]:
    with tenant_scope(organization):
        yield


@pytest.fixture
def admin_client(client_of: ClientOf, admin: User) -> Client:
    return client_of(admin)
