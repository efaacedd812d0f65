from __future__ import annotations

from typing import Any, cast

from factory.declarations import Sequence, SubFactory
from factory.django import DjangoModelFactory, Password

from sangdam.accounts.enums import ParticipantSide, Role
from sangdam.accounts.models import AgentGroup, User
from sangdam.core.models import Organization

PASSWORD = "secret123"


class OrganizationFactory(DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    service_name = Sequence(lambda n: f"org{n}")
    name = Sequence(lambda n: f"Organization {n}")
    licensed_agents = 3


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User

    organization = SubFactory(OrganizationFactory)
    username = Sequence(lambda n: f"user{n}")
    name = Sequence(lambda n: f"사용자 {n}")
    role = Role.AGENT
    must_change_password = False
    password = Password(PASSWORD)


class AgentGroupFactory(DjangoModelFactory[AgentGroup]):
    class Meta:
        model = AgentGroup

    organization = SubFactory(OrganizationFactory)
    name = Sequence(lambda n: f"그룹 {n}")


# factory_boy is loosely typed; these typed front doors give the tests real model types.


def make_organization(**fields: Any) -> Organization:
    return cast(Organization, OrganizationFactory(**fields))


def make_user(**fields: Any) -> User:
    if fields.get("role") == Role.PARTICIPANT and not fields.get("participant_side"):
        fields["participant_side"] = ParticipantSide.BUYER
    return cast(User, UserFactory(**fields))


def make_group(**fields: Any) -> AgentGroup:
    return cast(AgentGroup, AgentGroupFactory(**fields))
