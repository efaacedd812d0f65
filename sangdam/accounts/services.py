"""Use cases about accounts: issuing them within the license, signing in, access control."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sangdam.accounts.audit import Actor, record_work
from sangdam.accounts.enums import (
    Channel,
    LoginKind,
    LoginResult,
    ParticipantSide,
    Role,
    WorkAction,
    WorkScreen,
)
from sangdam.accounts.models import AdminNetwork, AgentGroup, ApiToken, LoginEvent, User
from sangdam.accounts.queries import registered_agents
from sangdam.core.errors import InvalidInput, NotFound, SangdamError
from sangdam.core.models import Organization


class LicenseLimitReached(SangdamError):
    pass


class LoginRefused(SangdamError):
    pass


class AccountLocked(LoginRefused):
    pass


class ConcurrentChange(SangdamError):
    pass


@dataclass(frozen=True)
class IssuedAccount:
    user: User
    # The initial password when the system generated it; shown once, never stored in clear.
    generated_password: str | None


@dataclass(frozen=True)
class AccountFields:
    """What an administrator sets on an account; the login ID is set once, at issue."""

    role: str
    name: str
    email: str = ""
    participant_side: str = ""
    extension: str = ""
    group_id: int | None = None
    can_edit_consultations: bool = False
    can_export: bool = False
    can_upload_customers: bool = False


@dataclass(frozen=True)
class NetworkEntry:
    network: str
    memo: str = ""


# SPEC CC-07 / G-CC-02: extensions are digits only, of at least this many and at most the
# organization's extension length (4 for PBX tenants, 5 for cloud DNs).
SHORTEST_EXTENSION = 2
_DIGITS = re.compile(r"[0-9]+")


# Accounts


def issue_account(
    *, actor: Actor, username: str, fields: AccountFields, password: str = ""
) -> IssuedAccount:
    """Create an account with an initial password that must be changed at first login.

    :raises InvalidInput: a field is malformed or taken.
    :raises LicenseLimitReached: the organization's agent licenses are all used.
    """
    organization = actor.user.organization
    generated = None if password else generate_password()
    with record_work(actor, WorkScreen.ACCOUNTS, WorkAction.CREATE) as work:
        work.detail = username
        _lock_organization(organization)
        user = User(organization=organization, username=username)
        _apply_fields(user, fields, organization=organization)
        _validate_account(user)
        if user.role == Role.AGENT:
            _check_license(organization)
        user.set_password(password or generated)
        _validate_password(password or str(generated), user)
        user.must_change_password = True
        _save_guarded(user)
    return IssuedAccount(user=user, generated_password=generated)


def update_account(*, actor: Actor, user_id: int, fields: AccountFields) -> User:
    """Change an account's name, role, extension, group and permission flags.

    :raises InvalidInput: a field is malformed or taken, or the change would leave no admin.
    :raises LicenseLimitReached: the account becomes an agent and no license is free.
    """
    organization = actor.user.organization
    with record_work(actor, WorkScreen.ACCOUNTS, WorkAction.UPDATE) as work:
        _lock_organization(organization)
        user = _live_user(user_id)
        work.detail = user.username
        was_agent = user.role == Role.AGENT
        if user.pk == actor.user.pk and fields.role != user.role:
            raise InvalidInput.single("role", _("You cannot change your own role."))
        if user.role == Role.ORG_ADMIN and fields.role != Role.ORG_ADMIN:
            _keep_one_admin(organization, leaving=user)
        _apply_fields(user, fields, organization=organization)
        _validate_account(user)
        if user.role == Role.AGENT and not was_agent:
            _check_license(organization)
        _save_guarded(user)
    return user


def delete_account(*, actor: Actor, user_id: int) -> None:
    """Delete an account: it can no longer sign in; its history stays; licenses are unchanged.

    :raises InvalidInput: the account is the actor's own or the last administrator.
    """
    with record_work(actor, WorkScreen.ACCOUNTS, WorkAction.DELETE) as work:
        user = _live_user(user_id)
        work.detail = user.username
        if user.pk == actor.user.pk:
            raise InvalidInput.single("", _("You cannot delete your own account."))
        if user.role == Role.ORG_ADMIN:
            _keep_one_admin(actor.user.organization, leaving=user)
        user.deleted_at = timezone.now()
        user.session_key = ""
        user.can_upload_customers = False
        user.save(update_fields=["deleted_at", "session_key", "can_upload_customers"])
        ApiToken.objects.filter(user=user).delete()


def unlock_account(*, actor: Actor, user_id: int) -> User:
    with record_work(actor, WorkScreen.ACCOUNTS, WorkAction.UNLOCK) as work:
        user = _live_user(user_id)
        work.detail = user.username
        user.locked_until = None
        user.failed_logins = 0
        user.save(update_fields=["locked_until", "failed_logins"])
    return user


def reset_password(*, actor: Actor, user_id: int, password: str = "") -> IssuedAccount:
    """Issue a new initial password; the holder must change it at the next login."""
    generated = None if password else generate_password()
    with record_work(actor, WorkScreen.ACCOUNTS, WorkAction.RESET_PASSWORD) as work:
        user = _live_user(user_id)
        work.detail = user.username
        _validate_password(password or str(generated), user)
        user.set_password(password or generated)
        user.must_change_password = True
        user.locked_until = None
        user.failed_logins = 0
        user.session_key = ""
        user.save(
            update_fields=[
                "password",
                "must_change_password",
                "locked_until",
                "failed_logins",
                "session_key",
            ]
        )
        ApiToken.objects.filter(user=user).delete()
    return IssuedAccount(user=user, generated_password=generated)


def change_own_password(
    *, user: User, current_password: str, new_password: str, keep_token: ApiToken | None = None
) -> None:
    """Replace the user's password; other API tokens stop working.

    :raises InvalidInput: the current password is wrong, or the new one breaks the policy.
    """
    if not user.check_password(current_password):
        raise InvalidInput.single("current_password", _("The current password is wrong."))
    if current_password == new_password:
        raise InvalidInput.single(
            "new_password", _("The new password must differ from the current one.")
        )
    _validate_password(new_password, user, field="new_password")
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        tokens = ApiToken.all_objects.filter(user=user)
        if keep_token is not None:
            tokens = tokens.exclude(pk=keep_token.pk)
        tokens.delete()


def update_profile(*, user: User, name: str, email: str, language: str, time_zone: str) -> User:
    """Change what users may edit about themselves (SPEC MM-05, G-MM-01: not the login ID)."""
    errors: dict[str, list[str]] = {}
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose one of the offered languages.")]
    if time_zone not in available_timezones():
        errors["time_zone"] = [_("Choose a time zone from the list.")]
    user.name = name.strip()
    user.email = email.strip()
    user.language = language
    user.time_zone = time_zone
    try:
        user.full_clean(
            exclude=["password", "organization", "group"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise InvalidInput(errors)
    user.save(update_fields=["name", "email", "language", "time_zone"])
    return user


def generate_password(length: int = 12) -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isalpha() for c in password) and any(c.isdigit() for c in password):
            return password


# Signing in


def log_in(
    *,
    service_name: str,
    login_id: str,
    password: str,
    ip: str,
    user_agent: str,
    channel: Channel,
    now: datetime,
) -> User:
    """Check credentials, lock after repeated failures, and record the attempt either way.

    Service name and login ID are compared case-sensitively, as the manuals' apps do (PL-29).

    :raises AccountLocked: the account is locked (now or by this failure).
    :raises LoginRefused: anything else is wrong; the message does not say which part.
    """
    attempt = LoginEvent(
        service_name=service_name[:50],
        login_id=login_id[:50],
        kind=LoginKind.LOGIN,
        channel=channel,
        occurred_at=now,
        ip=ip,
        user_agent=user_agent[:300],
    )
    wrong = _("The service name, login ID or password is wrong.")
    organization = Organization.objects.filter(service_name=service_name).first()
    if organization is None:
        _record(attempt, LoginResult.UNKNOWN_SERVICE)
        raise LoginRefused(wrong)
    attempt.organization = organization
    user = (
        User.all_objects.filter(
            organization=organization, username=login_id, deleted_at__isnull=True
        )
        .select_related("organization")
        .first()
    )
    if user is None:
        _record(attempt, LoginResult.BAD_CREDENTIALS)
        raise LoginRefused(wrong)
    attempt.user = user
    attempt.extension = user.extension
    if user.is_locked(now):
        _record(attempt, LoginResult.LOCKED)
        raise AccountLocked(_locked_message(user, now))
    if not user.check_password(password):
        _count_failure(user, now)
        if user.is_locked(now):
            _record(attempt, LoginResult.LOCKED)
            raise AccountLocked(_locked_message(user, now))
        _record(attempt, LoginResult.BAD_CREDENTIALS)
        raise LoginRefused(wrong)
    if user.role == Role.ORG_ADMIN and not admin_ip_allowed(organization, ip):
        _record(attempt, LoginResult.IP_DENIED)
        raise LoginRefused(ip_denied_message(ip))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login = now
    user.save(update_fields=["failed_logins", "locked_until", "last_login"])
    _record(attempt, LoginResult.SUCCESS)
    return user


def record_logout(
    *,
    user: User,
    ip: str,
    user_agent: str,
    channel: Channel,
    now: datetime,
    result: LoginResult = LoginResult.SUCCESS,
) -> None:
    LoginEvent.all_objects.create(
        organization_id=user.organization_id,
        user=user,
        service_name=user.organization.service_name,
        login_id=user.username,
        kind=LoginKind.LOGOUT,
        result=result,
        channel=channel,
        occurred_at=now,
        ip=ip,
        user_agent=user_agent[:300],
        extension=user.extension,
    )


def claim_session(*, user: User, session_key: str) -> None:
    """Make this session the agent's only one; an older session is signed out on its next call."""
    if user.role == Role.AGENT:
        User.all_objects.filter(pk=user.pk).update(session_key=session_key)
        user.session_key = session_key


def _count_failure(user: User, now: datetime) -> None:
    # One UPDATE with F() so concurrent wrong passwords are all counted.
    User.all_objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins"])
    if user.failed_logins >= settings.SANGDAM_LOCKOUT_FAILURES:
        user.locked_until = now + timedelta(minutes=settings.SANGDAM_LOCKOUT_MINUTES)
        user.failed_logins = 0
        user.save(update_fields=["locked_until", "failed_logins"])


def _locked_message(user: User, now: datetime) -> str:
    assert user.locked_until is not None
    minutes = max(1, -(-int((user.locked_until - now).total_seconds()) // 60))
    return ngettext(
        "This account is locked after repeated failed logins. Try again in %(minutes)d minute "
        "or ask your administrator to unlock it.",
        "This account is locked after repeated failed logins. Try again in %(minutes)d minutes "
        "or ask your administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def _record(attempt: LoginEvent, result: LoginResult) -> None:
    attempt.result = result
    attempt.save()


# API tokens


def issue_api_token(*, user: User, now: datetime) -> tuple[str, ApiToken]:
    raw = secrets.token_urlsafe(32)
    token = ApiToken.all_objects.create(
        organization_id=user.organization_id,
        user=user,
        digest=_digest(raw),
        expires_at=now + timedelta(days=settings.SANGDAM_API_TOKEN_DAYS),
    )
    return raw, token


def token_holder(*, raw: str, now: datetime) -> ApiToken | None:
    """Return the live token for this bearer string, with its user, or None."""
    token = (
        ApiToken.all_objects.filter(
            digest=_digest(raw), expires_at__gt=now, user__deleted_at__isnull=True
        )
        .select_related("user", "user__organization")
        .first()
    )
    if token is not None and (
        token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1)
    ):
        ApiToken.all_objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def revoke_api_token(*, token: ApiToken) -> None:
    ApiToken.all_objects.filter(pk=token.pk).delete()


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# Admin IP access control (접근관리)


def admin_ip_allowed(organization: Organization, ip: str) -> bool:
    """True when the organization lists no networks, or one of them contains ``ip``."""
    networks = list(
        AdminNetwork.all_objects.filter(organization=organization).values_list("network", flat=True)
    )
    return not networks or _ip_in(ip, networks)


def ip_denied_message(ip: str) -> str:
    return _(
        "Administrator access is not allowed from this IP address (%(ip)s). "
        "Ask another administrator to add it under Access control."
    ) % {"ip": ip}


def replace_admin_networks(*, actor: Actor, entries: Sequence[NetworkEntry]) -> list[AdminNetwork]:
    """Replace the allowlist as a whole; refuse a list that would shut out the actor.

    :raises InvalidInput: a row is not an address or range, is listed twice, or the list
        leaves out the actor's own address.
    """
    errors: dict[str, list[str]] = {}
    normalized: list[NetworkEntry] = []
    seen: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        text = entry.network.strip()
        try:
            network = str(ipaddress.ip_network(text, strict=False))
        except ValueError:
            errors.setdefault(f"networks.{number}", []).append(
                _("Row %(row)d: '%(value)s' is not an IP address or CIDR range.")
                % {"row": number, "value": text}
            )
            continue
        if network in seen:
            errors.setdefault(f"networks.{number}", []).append(
                _("Row %(row)d: %(network)s is already listed in row %(first)d.")
                % {"row": number, "network": network, "first": seen[network]}
            )
            continue
        if len(entry.memo) > 100:
            errors.setdefault(f"networks.{number}", []).append(
                _("Row %(row)d: the memo is longer than 100 characters.") % {"row": number}
            )
            continue
        seen[network] = number
        normalized.append(NetworkEntry(network=network, memo=entry.memo.strip()))
    if errors:
        raise InvalidInput(errors)
    if normalized and not _ip_in(actor.ip, [entry.network for entry in normalized]):
        raise InvalidInput.single(
            "networks",
            _(
                "Your current IP address (%(ip)s) is not in the list: applying it would lock "
                "you out. Add your address or range first."
            )
            % {"ip": actor.ip},
        )
    with record_work(actor, WorkScreen.ACCESS_CONTROL, WorkAction.UPDATE) as work:
        work.detail = ", ".join(entry.network for entry in normalized) or "-"
        AdminNetwork.objects.all().delete()
        return [
            AdminNetwork.objects.create(
                organization=actor.user.organization, network=entry.network, memo=entry.memo
            )
            for entry in normalized
        ]


def _ip_in(ip: str, networks: Sequence[str]) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network) for network in networks)


# Agent groups


def create_agent_group(*, actor: Actor, name: str) -> AgentGroup:
    with record_work(actor, WorkScreen.AGENT_GROUPS, WorkAction.CREATE) as work:
        work.detail = name
        group = AgentGroup(organization=actor.user.organization, name=_group_name(name))
        _save_guarded(group, field="name")
    return group


def rename_agent_group(*, actor: Actor, group_id: int, name: str) -> AgentGroup:
    with record_work(actor, WorkScreen.AGENT_GROUPS, WorkAction.UPDATE) as work:
        group = _agent_group(group_id)
        work.detail = f"{group.name} → {name}"
        group.name = _group_name(name, exclude_id=group.pk)
        _save_guarded(group, field="name", update_fields=["name"])
    return group


def delete_agent_group(*, actor: Actor, group_id: int) -> None:
    with record_work(actor, WorkScreen.AGENT_GROUPS, WorkAction.DELETE) as work:
        group = _agent_group(group_id)
        work.detail = group.name
        members = User.objects.filter(group=group, deleted_at__isnull=True).count()
        if members:
            raise InvalidInput.single(
                "",
                ngettext(
                    "The group %(name)s still has %(count)d agent; move it to another group first.",
                    "The group %(name)s still has %(count)d agents; move them to another group "
                    "first.",
                    members,
                )
                % {"name": group.name, "count": members},
            )
        User.all_objects.filter(group=group).update(group=None)
        group.delete()


def _group_name(name: str, exclude_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput.single("name", _("Enter a group name."))
    if len(name) > 50:
        raise InvalidInput.single("name", _("Use at most 50 characters."))
    taken = AgentGroup.objects.filter(name=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise InvalidInput.single("name", _("A group with this name already exists."))
    return name


def _agent_group(group_id: int) -> AgentGroup:
    group = AgentGroup.objects.filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("That agent group does not exist."))
    return group


# Organizations (platform operators, through the command line)


@transaction.atomic
def create_organization(
    *,
    service_name: str,
    name: str,
    licensed_agents: int,
    admin_username: str,
    admin_name: str,
    admin_password: str = "",
    contact_email: str = "",
) -> tuple[Organization, IssuedAccount]:
    """Open a tenant with its first administrator.

    :raises InvalidInput: the service name is malformed or taken, or an admin field is bad.
    """
    organization = Organization(
        service_name=service_name,
        name=name,
        licensed_agents=licensed_agents,
        contact_email=contact_email,
    )
    try:
        organization.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise InvalidInput(dict(error.message_dict)) from error
    if Organization.objects.filter(service_name__iexact=service_name).exists():
        raise InvalidInput.single("service_name", _("This service name is already taken."))
    organization.save()
    admin = User(organization=organization, username=admin_username)
    _apply_fields(admin, AccountFields(role=Role.ORG_ADMIN, name=admin_name), organization)
    _validate_account(admin)
    generated = None if admin_password else generate_password()
    _validate_password(admin_password or str(generated), admin)
    admin.set_password(admin_password or generated)
    admin.save()
    return organization, IssuedAccount(user=admin, generated_password=generated)


def set_licensed_agents(*, organization: Organization, licensed_agents: int) -> None:
    """Change the contracted agent count; never below the agents already registered."""
    with transaction.atomic():
        _lock_organization(organization)
        registered = registered_agents(organization)
        if licensed_agents < registered:
            raise InvalidInput.single(
                "licensed_agents",
                _(
                    "%(registered)d agents are registered; delete agents before lowering the "
                    "license count to %(licensed)d."
                )
                % {"registered": registered, "licensed": licensed_agents},
            )
        organization.licensed_agents = licensed_agents
        organization.save(update_fields=["licensed_agents"])


def set_organization_time_zone(*, actor: Actor, time_zone: str) -> Organization:
    """The zone of the organization's "today" (text messages' {오늘날짜}, G-CC-06)."""
    organization = actor.user.organization
    assert organization is not None
    if time_zone not in available_timezones():
        raise InvalidInput.single("time_zone", _("Choose a time zone from the list."))
    with record_work(actor, WorkScreen.ORGANIZATION, WorkAction.UPDATE) as work:
        work.detail = f"time zone: {organization.time_zone} → {time_zone}"
        organization.time_zone = time_zone
        organization.save(update_fields=["time_zone"])
    return organization


# Shared checks


def _lock_organization(organization: Organization) -> None:
    # Serializes license counting on PostgreSQL; SQLite's IMMEDIATE transactions already do.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()


def _check_license(organization: Organization) -> None:
    licensed = Organization.objects.values_list("licensed_agents", flat=True).get(
        pk=organization.pk
    )
    registered = registered_agents(organization)
    if registered >= licensed:
        raise LicenseLimitReached(
            _(
                "All %(licensed)d agent licenses are in use (%(registered)d/%(licensed)d). "
                "Delete an agent or add licenses in contract management first."
            )
            % {"registered": registered, "licensed": licensed}
        )


def _keep_one_admin(organization: Organization, *, leaving: User) -> None:
    others = (
        User.all_objects.filter(
            organization=organization, role=Role.ORG_ADMIN, deleted_at__isnull=True
        )
        .exclude(pk=leaving.pk)
        .exists()
    )
    if not others:
        raise InvalidInput.single(
            "role", _("The organization must keep at least one administrator.")
        )


def _live_user(user_id: int) -> User:
    user = User.objects.filter(pk=user_id, deleted_at__isnull=True).first()
    if user is None:
        raise NotFound(_("That account does not exist."))
    return user


def _apply_fields(user: User, fields: AccountFields, organization: Organization) -> None:
    user.role = fields.role
    user.name = fields.name.strip()
    user.email = fields.email.strip()
    is_agent = fields.role == Role.AGENT
    user.participant_side = fields.participant_side if fields.role == Role.PARTICIPANT else ""
    # Administrators work in the contact center too and may hold an extension; only agents get
    # one assigned automatically.
    holds_extension = fields.role in (Role.AGENT, Role.ORG_ADMIN)
    user.extension = fields.extension.strip() if holds_extension else ""
    user.group_id = fields.group_id if is_agent else None
    # The contact-center permissions (상담원 권한) go to whoever works there, administrators too.
    user.can_edit_consultations = holds_extension and fields.can_edit_consultations
    user.can_export = holds_extension and fields.can_export
    user.can_upload_customers = holds_extension and fields.can_upload_customers
    if is_agent and not user.extension:
        user.extension = _next_extension(organization, exclude_id=user.pk)


def _next_extension(organization: Organization, exclude_id: int | None) -> str:
    """The next free extension of the organization's length: 1001, 1002, ... for 4 digits."""
    length = extension_length(organization.pk)
    first, last = 10 ** (length - 1) + 1, 10**length - 1
    others = User.all_objects.filter(organization=organization, deleted_at__isnull=True)
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    used = {
        int(number)
        for number in others.exclude(extension="").values_list("extension", flat=True)
        if len(number) == length and number.isdigit()
    }
    candidate = max(used, default=first - 1) + 1
    if candidate > last:
        candidate = next((n for n in range(first, last + 1) if n not in used), 0)
    if not candidate:
        raise InvalidInput.single(
            "extension",
            _("No free %(length)d-digit extension is left; enter one.") % {"length": length},
        )
    return str(candidate)


def extension_length(organization_id: int) -> int:
    """The organization's extension length as stored now (it may change while a form is open)."""
    return int(
        Organization.objects.values_list("extension_length", flat=True).get(pk=organization_id)
    )


def extension_errors(extension: str, length: int) -> list[str]:
    """What is wrong with an extension under an organization's length (SPEC CC-07, G-CC-02).

    The one rule for the account form and API and the extension management page.
    """
    if not _DIGITS.fullmatch(extension):
        return [_("Use digits only.")]
    if len(extension) > length:
        return [
            _(
                "Extension %(extension)s has %(digits)d digits; extensions have at most "
                "%(length)d digits here."
            )
            % {"extension": extension, "digits": len(extension), "length": length}
        ]
    if len(extension) < SHORTEST_EXTENSION:
        return [_("Use at least %(count)d digits.") % {"count": SHORTEST_EXTENSION}]
    return []


def _validate_account(user: User) -> None:
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = {field: list(messages) for field, messages in error.message_dict.items()}
    if user.role == Role.PARTICIPANT and user.participant_side not in ParticipantSide.values:
        errors.setdefault("participant_side", []).append(
            _("Choose whether the participant is a buyer or a seller.")
        )
    others = User.all_objects.filter(
        organization_id=user.organization_id, deleted_at__isnull=True
    ).exclude(pk=user.pk)
    if user.username and others.filter(username=user.username).exists():
        errors.setdefault("username", []).append(_("This login ID is already in use."))
    if user.extension and "extension" not in errors:
        problems = extension_errors(user.extension, extension_length(user.organization_id))
        if problems:
            errors["extension"] = problems
    if user.extension and others.filter(extension=user.extension).exists():
        errors.setdefault("extension", []).append(
            _("Extension %(extension)s is already assigned to another account.")
            % {"extension": user.extension}
        )
    if user.can_upload_customers:
        holder = others.filter(can_upload_customers=True).first()
        if holder is not None:
            errors.setdefault("can_upload_customers", []).append(
                _(
                    "Only one account may hold the customer-upload permission; %(holder)s "
                    "holds it now."
                )
                % {"holder": holder.actor_label}
            )
    if (
        user.group_id is not None
        and not AgentGroup.all_objects.filter(
            pk=user.group_id, organization_id=user.organization_id
        ).exists()
    ):
        errors.setdefault("group", []).append(_("That agent group does not exist."))
    if errors:
        raise InvalidInput(errors)


def _validate_password(password: str, user: User, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput({field: list(error.messages)}) from error


def _save_guarded(
    obj: User | AgentGroup, field: str = "", update_fields: list[str] | None = None
) -> None:
    # The checks above ran first; a constraint failing here means a concurrent change won.
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError as error:
        raise ConcurrentChange(
            _("Someone else changed the same data at the same moment. Reload and try again.")
        ) from error
