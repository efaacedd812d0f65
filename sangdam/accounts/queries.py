"""Reads for the administration pages and the API; personal-data lists are audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from sangdam.accounts.audit import Actor, record_work
from sangdam.accounts.enums import LoginResult, Role, WorkAction, WorkScreen
from sangdam.accounts.models import AdminNetwork, AgentGroup, LoginEvent, User, WorkEvent
from sangdam.core.errors import InvalidInput
from sangdam.core.models import Organization

MAX_PERIOD_DAYS = 366


@dataclass(frozen=True)
class LicenseUsage:
    registered: int
    licensed: int

    @property
    def available(self) -> int:
        return max(0, self.licensed - self.registered)


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar days in the viewer's time zone."""

    first_day: date
    last_day: date

    @classmethod
    def checked(cls, first_day: date, last_day: date) -> Period:
        if first_day > last_day:
            raise InvalidInput.single("date_from", _("The start date is after the end date."))
        if (last_day - first_day).days >= MAX_PERIOD_DAYS:
            raise InvalidInput.single("date_to", _("Choose a period of at most one year."))
        return cls(first_day, last_day)

    @classmethod
    def last_days(cls, days: int, today: date) -> Period:
        return cls(today - timedelta(days=days - 1), today)

    def bounds(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        start = datetime.combine(self.first_day, time.min, tzinfo=zone)
        end = datetime.combine(self.last_day + timedelta(days=1), time.min, tzinfo=zone)
        return start, end


def registered_agents(organization: Organization) -> int:
    return User.all_objects.filter(
        organization=organization, role=Role.AGENT, deleted_at__isnull=True
    ).count()


def license_usage(organization: Organization) -> LicenseUsage:
    return LicenseUsage(
        registered=registered_agents(organization), licensed=organization.licensed_agents
    )


def accounts(*, actor: Actor, role: str = "", search: str = "") -> QuerySet[User]:
    """The organization's live accounts; viewing the list is recorded (it holds personal data)."""
    with record_work(actor, WorkScreen.ACCOUNTS, WorkAction.VIEW) as work:
        role_rank = Case(
            *(When(role=role, then=Value(rank)) for rank, role in enumerate(Role.values)),
            output_field=IntegerField(),
        )
        users = (
            User.objects.filter(deleted_at__isnull=True)
            .select_related("group")
            .order_by(role_rank, "username", "id")
        )
        if role:
            users = users.filter(role=role)
        if search:
            users = users.filter(
                Q(username__icontains=search) | Q(name__icontains=search) | Q(extension=search)
            )
        work.detail = " ".join(filter(None, [role, search])) or "-"
    return users


def account(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, deleted_at__isnull=True).first()


def agent_groups() -> QuerySet[AgentGroup]:
    return AgentGroup.objects.order_by("name", "id")


def login_events(
    *,
    actor: Actor,
    period: Period,
    login_id: str = "",
    kind: str = "",
    result: str = "",
    audit_action: WorkAction = WorkAction.VIEW,
) -> QuerySet[LoginEvent]:
    with record_work(actor, WorkScreen.LOGIN_HISTORY, audit_action) as work:
        start, end = period.bounds()
        events = LoginEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        if login_id:
            events = events.filter(login_id=login_id)
        if kind:
            events = events.filter(kind=kind)
        if result:
            events = events.filter(result=result)
        work.detail = f"{period.first_day}~{period.last_day} {login_id}".strip()
    return events.select_related("user").order_by("-occurred_at", "-id")


def work_events(
    *,
    actor: Actor,
    period: Period,
    screen: str = "",
    action: str = "",
    actor_search: str = "",
    audit_action: WorkAction = WorkAction.VIEW,
) -> QuerySet[WorkEvent]:
    with record_work(actor, WorkScreen.WORK_HISTORY, audit_action) as work:
        start, end = period.bounds()
        events = WorkEvent.objects.filter(started_at__gte=start, started_at__lt=end)
        if screen:
            events = events.filter(screen=screen)
        if action:
            events = events.filter(action=action)
        if actor_search:
            events = events.filter(actor_label__icontains=actor_search)
        work.detail = f"{period.first_day}~{period.last_day}"
    return events.order_by("-started_at", "-id")


def admin_networks() -> QuerySet[AdminNetwork]:
    return AdminNetwork.objects.order_by("id")


@dataclass(frozen=True)
class AdminSummary:
    licenses: LicenseUsage
    accounts_by_role: dict[str, int]
    locked_accounts: int
    logins_today: int
    failed_logins_today: int
    admin_networks: int
    recent_work: list[WorkEvent]


def admin_summary(organization: Organization, now: datetime) -> AdminSummary:
    start, end = Period(timezone.localdate(now), timezone.localdate(now)).bounds()
    live = User.objects.filter(deleted_at__isnull=True)
    by_role = dict.fromkeys(Role.values, 0)
    for role in live.values_list("role", flat=True):
        by_role[role] += 1
    today = LoginEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end, kind="LOGIN")
    return AdminSummary(
        licenses=license_usage(organization),
        accounts_by_role=by_role,
        locked_accounts=live.filter(locked_until__gt=now).count(),
        logins_today=today.filter(result=LoginResult.SUCCESS).count(),
        failed_logins_today=today.exclude(result=LoginResult.SUCCESS).count(),
        admin_networks=AdminNetwork.objects.count(),
        recent_work=list(WorkEvent.objects.order_by("-started_at", "-id")[:8]),
    )
