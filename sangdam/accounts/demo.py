"""Demo organizations and accounts: `demo` with one account per role, and `demo2` beside it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sangdam.accounts.enums import ParticipantSide, Role
from sangdam.accounts.models import AgentGroup, User
from sangdam.core.models import Organization

DEMO_PASSWORD = "demo1234!"  # noqa: S105 -- published in the README for the demo
DEMO_LICENSES = 5

ACCOUNTS: list[dict[str, Any]] = [
    {
        "username": "admin",
        "name": "관리자",
        "role": Role.ORG_ADMIN,
        "can_edit_consultations": True,
        "can_export": True,
    },
    {
        "username": "agent1",
        "name": "김상담",
        "role": Role.AGENT,
        "extension": "1001",
        "can_edit_consultations": True,
        "can_export": True,
        "can_upload_customers": True,
    },
    {"username": "agent2", "name": "이상담", "role": Role.AGENT, "extension": "1002"},
    {"username": "organizer", "name": "박담당", "role": Role.FAIR_ORGANIZER},
    {
        "username": "buyer1",
        "name": "John Buyer",
        "role": Role.PARTICIPANT,
        "participant_side": ParticipantSide.BUYER,
    },
    {
        "username": "seller1",
        "name": "테스트 셀러",
        "role": Role.PARTICIPANT,
        "participant_side": ParticipantSide.SELLER,
    },
]


@transaction.atomic
def load_demo(out: Any) -> None:
    demo = _organization("demo", "데모 상사", DEMO_LICENSES)
    group, _created = AgentGroup.all_objects.get_or_create(organization=demo, name="공통그룹")
    for spec in ACCOUNTS:
        fields = dict(spec)
        if fields["role"] == Role.AGENT:
            fields["group"] = group
        _account(demo, **fields)
    demo2 = _organization("demo2", "데모 두번째", 2)
    _account(demo2, username="admin", name="관리자2", role=Role.ORG_ADMIN)
    out.write("Demo accounts (password for all: demo1234!):")
    out.write("  service name  login ID   role")
    for spec in ACCOUNTS:
        out.write(f"  demo          {spec['username']:<10} {Role(spec['role']).label}")
    out.write(f"  demo2         {'admin':<10} {Role.ORG_ADMIN.label}")


def _organization(service_name: str, name: str, licenses: int) -> Organization:
    organization, _created = Organization.objects.get_or_create(
        service_name=service_name, defaults={"name": name, "licensed_agents": licenses}
    )
    return organization


def _account(organization: Organization, **fields: Any) -> User:
    user = User.all_objects.filter(
        organization=organization, username=fields["username"], deleted_at__isnull=True
    ).first()
    if user is None:
        user = User(organization=organization)
    for key, value in fields.items():
        setattr(user, key, value)
    # The demo waives the first-login password change and always opens with the known password.
    user.set_password(DEMO_PASSWORD)
    user.must_change_password = False
    user.locked_until = None
    user.failed_logins = 0
    user.save()
    return user
