"""API: token sign-in, one's own account, and the administrators' account management."""

# No `from __future__ import annotations` here: django-ninja reads the annotations at import
# time, and for views wrapped by @paginate it resolves names in the wrapper's module.

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer

from sangdam.accounts import queries, services
from sangdam.accounts.access import actor_of
from sangdam.accounts.enums import Channel, Role
from sangdam.accounts.models import ApiToken, User
from sangdam.core.http import client_ip, user_agent

router = Router()


class BearerToken(HttpBearer):
    """The token was already resolved by ApiTokenMiddleware, which also opened the tenant scope."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return request.user if isinstance(request.user, User) else None


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _require_admin(request: HttpRequest) -> User:
    user = _user(request)
    if user.role != Role.ORG_ADMIN:
        raise PermissionDenied(_("Only administrators may do this."))
    return user


# Schemas


class TokenRequest(Schema):
    organization: str = Field(description="The service name typed at login (서비스명).")
    username: str
    password: str


class TokenResponse(Schema):
    token: str
    expires_at: datetime


class Me(Schema):
    organization: str
    username: str
    name: str
    role: str
    participant_side: str
    email: str
    extension: str
    language: str
    time_zone: str
    must_change_password: bool


class ProfileChange(Schema):
    name: str | None = None
    email: str | None = None
    language: str | None = None
    time_zone: str | None = None


class PasswordChange(Schema):
    current_password: str
    new_password: str


class Group(Schema):
    id: int
    name: str


class Account(Schema):
    id: int
    username: str
    name: str
    email: str
    role: str
    participant_side: str
    extension: str
    group: Group | None
    can_edit_consultations: bool
    can_export: bool
    can_upload_customers: bool
    must_change_password: bool
    locked_until: datetime | None
    last_login: datetime | None
    created_at: datetime


class IssuedAccount(Schema):
    account: Account
    generated_password: str | None


class AccountCreate(Schema):
    username: str
    role: Role
    name: str
    email: str = ""
    participant_side: str = ""
    extension: str = ""
    group_id: int | None = None
    can_edit_consultations: bool = False
    can_export: bool = False
    can_upload_customers: bool = False
    password: str = Field("", description="Empty: the system generates an initial password.")


class AccountChange(Schema):
    role: Role | None = None
    name: str | None = None
    email: str | None = None
    participant_side: str | None = None
    extension: str | None = None
    group_id: int | None = None
    can_edit_consultations: bool | None = None
    can_export: bool | None = None
    can_upload_customers: bool | None = None


class PasswordReset(Schema):
    password: str = Field("", description="Empty: the system generates an initial password.")


class GroupName(Schema):
    name: str


class LicenseUsage(Schema):
    registered: int
    licensed: int
    available: int


class Organization(Schema):
    service_name: str
    name: str
    contract_starts_on: date | None
    contract_ends_on: date | None
    time_zone: str
    licenses: LicenseUsage


class LoginEvent(Schema):
    occurred_at: datetime
    service_name: str
    login_id: str
    kind: str
    result: str
    channel: str
    ip: str | None
    user_agent: str
    extension: str


class WorkEvent(Schema):
    started_at: datetime
    ended_at: datetime
    screen: str
    action: str
    result: str
    actor_label: str
    ip: str | None
    detail: str


class AdminNetwork(Schema):
    network: str
    memo: str = ""


class Detail(Schema):
    detail: str


# Tokens and one's own account


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenResponse, 401: Detail},
    summary="Sign in and get a bearer token",
    tags=["auth"],
)
def create_token(request: HttpRequest, payload: TokenRequest) -> Status[Any]:
    now = timezone.now()
    try:
        user = services.log_in(
            service_name=payload.organization,
            login_id=payload.username,
            password=payload.password,
            ip=client_ip(request),
            user_agent=user_agent(request),
            channel=Channel.API,
            now=now,
        )
    except services.LoginRefused as error:
        return Status(401, {"detail": error.message})
    raw, token = services.issue_api_token(user=user, now=now)
    return Status(200, {"token": raw, "expires_at": token.expires_at})


@router.delete(
    "/auth/token", response={204: None}, summary="Sign out (revoke this token)", tags=["auth"]
)
def delete_token(request: HttpRequest) -> Status[Any]:
    user = _user(request)
    token: ApiToken | None = getattr(request, "api_token", None)
    if token is not None:
        services.revoke_api_token(token=token)
    services.record_logout(
        user=user,
        ip=client_ip(request),
        user_agent=user_agent(request),
        channel=Channel.API,
        now=timezone.now(),
    )
    return Status(204, None)


def _me(user: User) -> dict[str, Any]:
    return {
        "organization": user.organization.service_name,
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "participant_side": user.participant_side,
        "email": user.email,
        "extension": user.extension,
        "language": user.language,
        "time_zone": user.time_zone,
        "must_change_password": user.must_change_password,
    }


@router.get("/me", response=Me, summary="The signed-in user", tags=["me"])
def me(request: HttpRequest) -> dict[str, Any]:
    return _me(_user(request))


@router.patch(
    "/me", response=Me, summary="Change one's name, e-mail, language or time zone", tags=["me"]
)
def change_me(request: HttpRequest, payload: ProfileChange) -> dict[str, Any]:
    user = _user(request)
    services.update_profile(
        user=user,
        name=payload.name if payload.name is not None else user.name,
        email=payload.email if payload.email is not None else user.email,
        language=payload.language if payload.language is not None else user.language,
        time_zone=payload.time_zone if payload.time_zone is not None else user.time_zone,
    )
    return _me(user)


@router.post("/me/password", response={204: None}, summary="Change one's password", tags=["me"])
def change_password(request: HttpRequest, payload: PasswordChange) -> Status[Any]:
    services.change_own_password(
        user=_user(request),
        current_password=payload.current_password,
        new_password=payload.new_password,
        keep_token=getattr(request, "api_token", None),
    )
    return Status(204, None)


# Administration


@router.get(
    "/organization",
    response=Organization,
    summary="The organization and its licenses",
    tags=["admin"],
)
def organization(request: HttpRequest) -> dict[str, Any]:
    org = _require_admin(request).organization
    usage = queries.license_usage(org)
    return {
        "service_name": org.service_name,
        "name": org.name,
        "contract_starts_on": org.contract_starts_on,
        "contract_ends_on": org.contract_ends_on,
        "time_zone": org.time_zone,
        "licenses": {
            "registered": usage.registered,
            "licensed": usage.licensed,
            "available": usage.available,
        },
    }


@router.get("/accounts", response=list[Account], summary="List accounts", tags=["admin"])
@paginate(PageNumberPagination, page_size=50)
def list_accounts(request: HttpRequest, role: str = "", q: str = "") -> Any:
    _require_admin(request)
    return queries.accounts(actor=actor_of(request), role=role, search=q)


@router.post("/accounts", response={201: IssuedAccount}, summary="Issue an account", tags=["admin"])
def create_account(request: HttpRequest, payload: AccountCreate) -> Status[Any]:
    _require_admin(request)
    issued = services.issue_account(
        actor=actor_of(request),
        username=payload.username,
        password=payload.password,
        fields=services.AccountFields(**payload.dict(exclude={"username", "password"})),
    )
    return Status(201, {"account": issued.user, "generated_password": issued.generated_password})


def _account_or_404(user_id: int) -> User:
    account = queries.account(user_id)
    if account is None:
        raise HttpError(404, _("That account does not exist."))
    return account


@router.get("/accounts/{user_id}", response=Account, summary="One account", tags=["admin"])
def get_account(request: HttpRequest, user_id: int) -> User:
    _require_admin(request)
    return _account_or_404(user_id)


@router.patch("/accounts/{user_id}", response=Account, summary="Change an account", tags=["admin"])
def change_account(request: HttpRequest, user_id: int, payload: AccountChange) -> User:
    _require_admin(request)
    current = _account_or_404(user_id)
    current_fields = {
        name: getattr(current, name) for name in services.AccountFields.__dataclass_fields__
    }
    fields = services.AccountFields(**{**current_fields, **payload.dict(exclude_unset=True)})
    return services.update_account(actor=actor_of(request), user_id=user_id, fields=fields)


@router.delete(
    "/accounts/{user_id}", response={204: None}, summary="Delete an account", tags=["admin"]
)
def delete_account(request: HttpRequest, user_id: int) -> Status[Any]:
    _require_admin(request)
    _account_or_404(user_id)
    services.delete_account(actor=actor_of(request), user_id=user_id)
    return Status(204, None)


@router.post(
    "/accounts/{user_id}/unlock", response=Account, summary="Unlock an account", tags=["admin"]
)
def unlock_account(request: HttpRequest, user_id: int) -> User:
    _require_admin(request)
    _account_or_404(user_id)
    return services.unlock_account(actor=actor_of(request), user_id=user_id)


@router.post(
    "/accounts/{user_id}/reset-password",
    response=IssuedAccount,
    summary="Issue a new initial password",
    tags=["admin"],
)
def reset_password(request: HttpRequest, user_id: int, payload: PasswordReset) -> dict[str, Any]:
    _require_admin(request)
    _account_or_404(user_id)
    issued = services.reset_password(
        actor=actor_of(request), user_id=user_id, password=payload.password
    )
    return {"account": issued.user, "generated_password": issued.generated_password}


@router.get("/agent-groups", response=list[Group], summary="List agent groups", tags=["admin"])
def list_groups(request: HttpRequest) -> Any:
    _require_admin(request)
    return queries.agent_groups()


@router.post("/agent-groups", response={201: Group}, summary="Add an agent group", tags=["admin"])
def create_group(request: HttpRequest, payload: GroupName) -> Status[Any]:
    _require_admin(request)
    return Status(201, services.create_agent_group(actor=actor_of(request), name=payload.name))


@router.patch(
    "/agent-groups/{group_id}", response=Group, summary="Rename an agent group", tags=["admin"]
)
def rename_group(request: HttpRequest, group_id: int, payload: GroupName) -> Any:
    _require_admin(request)
    return services.rename_agent_group(
        actor=actor_of(request), group_id=group_id, name=payload.name
    )


@router.delete(
    "/agent-groups/{group_id}",
    response={204: None},
    summary="Delete an agent group",
    tags=["admin"],
)
def delete_group(request: HttpRequest, group_id: int) -> Status[Any]:
    _require_admin(request)
    services.delete_agent_group(actor=actor_of(request), group_id=group_id)
    return Status(204, None)


@router.get("/login-events", response=list[LoginEvent], summary="Login history", tags=["admin"])
@paginate(PageNumberPagination, page_size=100)
def list_login_events(
    request: HttpRequest,
    date_from: date,
    date_to: date,
    login_id: str = "",
    kind: str = "",
    result: str = "",
) -> Any:
    _require_admin(request)
    return queries.login_events(
        actor=actor_of(request),
        period=queries.Period.checked(date_from, date_to),
        login_id=login_id,
        kind=kind,
        result=result,
    )


@router.get(
    "/work-events", response=list[WorkEvent], summary="Work (audit) history", tags=["admin"]
)
@paginate(PageNumberPagination, page_size=100)
def list_work_events(
    request: HttpRequest, date_from: date, date_to: date, screen: str = "", action: str = ""
) -> Any:
    _require_admin(request)
    return queries.work_events(
        actor=actor_of(request),
        period=queries.Period.checked(date_from, date_to),
        screen=screen,
        action=action,
    )


@router.get(
    "/admin-networks", response=list[AdminNetwork], summary="Admin IP allowlist", tags=["admin"]
)
def list_admin_networks(request: HttpRequest) -> Any:
    _require_admin(request)
    return queries.admin_networks()


@router.put(
    "/admin-networks",
    response=list[AdminNetwork],
    summary="Replace the admin IP allowlist (empty: any address)",
    tags=["admin"],
)
def replace_admin_networks(request: HttpRequest, payload: list[AdminNetwork]) -> Any:
    _require_admin(request)
    return services.replace_admin_networks(
        actor=actor_of(request),
        entries=[services.NetworkEntry(network=n.network, memo=n.memo) for n in payload],
    )
