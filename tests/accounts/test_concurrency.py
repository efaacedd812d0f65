"""Races that the database must close, run with two real connections at once."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from sangdam.accounts import services
from sangdam.accounts.audit import Actor
from sangdam.accounts.enums import Channel, Role
from sangdam.accounts.models import User
from sangdam.core.errors import SangdamError
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from tests.factories import make_user


def test_the_suite_runs_on_the_database_the_environment_names(db: None) -> None:
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected


@pytest.mark.django_db(transaction=True)
def test_two_admins_issuing_the_last_license_at_once_get_one_agent(
    organization: Organization, admin: User
) -> None:
    for _ in range(2):
        make_user(organization=organization, role=Role.AGENT)
    second_admin = make_user(organization=organization, role=Role.ORG_ADMIN, username="admin2")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def issue(actor: User, username: str) -> None:
        try:
            start.wait()
            with tenant_scope(organization):
                services.issue_account(
                    actor=Actor(user=actor, ip="127.0.0.1"),
                    username=username,
                    fields=services.AccountFields(role=Role.AGENT, name=username),
                )
            outcomes.append("issued")
        except SangdamError as error:
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=issue, args=(admin, "racer1")),
        threading.Thread(target=issue, args=(second_admin, "racer2")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["LicenseLimitReached", "issued"]
    assert User.all_objects.filter(organization=organization, role=Role.AGENT).count() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_wrong_passwords_are_all_counted(
    organization: Organization, agent: User
) -> None:
    start = threading.Barrier(4)

    def fail() -> None:
        start.wait()
        try:
            services.log_in(
                service_name="acme",
                login_id="agent1",
                password="wrong-one1",
                ip="127.0.0.1",
                user_agent="test",
                channel=Channel.WEB,
                now=timezone.now(),
            )
        except services.LoginRefused:
            pass
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fail) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    agent.refresh_from_db()
    assert agent.failed_logins == 4
