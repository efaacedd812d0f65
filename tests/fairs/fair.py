"""Building fairs for tests through the same services the pages use."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sangdam.accounts.audit import Actor
from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs import services
from sangdam.fairs.enums import Approval, Side
from sangdam.fairs.models import Event, Participant
from tests.factories import PASSWORD, make_user

SEOUL = ZoneInfo("Asia/Seoul")
# A fair far enough ahead that its deadlines are open whenever the suite runs.
FAIR_DAY = dt.date(2031, 3, 10)


def make_organizer(organization: Organization, username: str = "organizer") -> User:
    return make_user(
        organization=organization, username=username, name="주최자", role=Role.FAIR_ORGANIZER
    )


def actor(user: User) -> Actor:
    return Actor(user=user, ip="127.0.0.1")


def make_event(organizer: User, **overrides: Any) -> Event:
    """A one-day fair: 09:00-18:00, lunch 12:00-13:00, 30-minute meetings (SPEC MM-14)."""
    fields: dict[str, Any] = {
        "name": "2031 수출상담회",
        "venue": "COEX Hall A",
        "days": [FAIR_DAY],
        "participation_deadline": dt.datetime(2031, 2, 20, 18, 0, tzinfo=SEOUL),
        "request_deadline": dt.datetime(2031, 3, 1, 18, 0, tzinfo=SEOUL),
        "breaks": [(dt.time(12, 0), dt.time(13, 0))],
    }
    fields.update(overrides)
    with tenant_scope(organizer.organization):
        return services.create_event(
            actor=actor(organizer), settings=services.EventSettings(**fields)
        )


def make_participant(
    event: Event,
    side: Side,
    code: str,
    *,
    company: str | None = None,
    approval: Approval = Approval.APPROVED,
    categories: list[str] | None = None,
    country: str = "",
    email: str = "",
    password: str = PASSWORD,
    daily_cap: int | None = None,
    booth: str = "",
    **info: Any,
) -> Participant:
    """An approved participant who can sign in with ``password`` (no forced change)."""
    with tenant_scope(event.organization):
        participant = services.add_participant(
            actor=None,
            event=event,
            side=side,
            code=code,
            info=services.ParticipationInfo(
                company_name=company or f"{code} Co.",
                categories=categories or [],
                country=country,
                contact_email=email,
                **info,
            ),
            terms=services.ParticipantTerms(daily_cap=daily_cap, booth=booth),
            login_id=code.lower(),
            approval=approval,
        )
        user = participant.user
        user.set_password(password)
        user.must_change_password = False
        user.save()
    return participant
