from __future__ import annotations

import ipaddress
from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sangdam.accounts.enums import (
    Channel,
    LoginKind,
    LoginResult,
    ParticipantSide,
    Role,
    WorkAction,
    WorkResult,
    WorkScreen,
)
from sangdam.core.http import client_platform
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_manager

login_id_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{2,29}$",
    _(
        "Use 3 to 30 letters, digits, dots, hyphens or underscores, starting with a letter or "
        "digit."
    ),
)
# Extensions are 4 digits in the 002 manual and 5-digit DNs in 004.
extension_validator = RegexValidator(r"^[0-9]{2,5}$", _("Use 2 to 5 digits."))


class AgentGroup(models.Model):
    """A group of agents (상담그룹), shown in agent lists and statistics."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("group name"), max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[AgentGroup]] = tenant_manager()

    class Meta:
        verbose_name = _("agent group")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="agent_group_name_unique_in_organization"
            )
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractBaseUser):
    """A person who signs in: an administrator, an agent, a fair organizer or a participant."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(_("login ID"), max_length=30, validators=[login_id_validator])
    name = models.CharField(_("name"), max_length=50)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    participant_side = models.CharField(
        _("participant side"), max_length=10, choices=ParticipantSide.choices, blank=True
    )
    extension = models.CharField(
        _("extension"), max_length=5, blank=True, validators=[extension_validator]
    )
    group = models.ForeignKey(
        AgentGroup,
        verbose_name=_("agent group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    can_edit_consultations = models.BooleanField(_("consultation-history editor"), default=False)
    can_export = models.BooleanField(_("export"), default=False)
    can_upload_customers = models.BooleanField(_("customer upload"), default=False)
    must_change_password = models.BooleanField(_("must change password"), default=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="ko"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Seoul")
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    # The one session an agent may hold (SPEC G-PL-05); a newer login replaces it.
    session_key = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["name"]

    # Sessions and token look-ups happen before a tenant scope exists, so the unscoped manager
    # is the default one Django uses internally; application code uses `objects`.
    all_objects = models.Manager()
    objects: ClassVar[models.Manager[User]] = tenant_manager()

    class Meta:
        verbose_name = _("user")
        constraints = [
            # Login IDs are unique within an organization; a deleted account frees its ID.
            models.UniqueConstraint(
                fields=["organization", "username"],
                condition=Q(deleted_at__isnull=True),
                name="user_login_id_unique_in_organization",
            ),
            models.UniqueConstraint(
                fields=["organization", "extension"],
                condition=Q(deleted_at__isnull=True) & ~Q(extension=""),
                name="user_extension_unique_in_organization",
            ),
            # SPEC PL-06: the customer-upload permission is held by at most one account.
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(deleted_at__isnull=True, can_upload_customers=True),
                name="one_customer_uploader_per_organization",
            ),
            models.CheckConstraint(
                condition=(Q(role=Role.PARTICIPANT) & ~Q(participant_side=""))
                | (~Q(role=Role.PARTICIPANT) & Q(participant_side="")),
                name="user_participant_side_only_for_participants",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.username})"

    # Queries

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @is_active.setter
    def is_active(self, value: bool) -> None:
        # AbstractBaseUser declares is_active as a plain attribute; deletion is the only way to
        # deactivate an account here, so assignments are ignored.
        pass

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    @property
    def is_org_admin(self) -> bool:
        return self.role == Role.ORG_ADMIN

    @property
    def is_agent(self) -> bool:
        return self.role == Role.AGENT

    @property
    def actor_label(self) -> str:
        """How the work history names the actor, as the manuals do: "관리자 (demo)"."""
        return f"{self.name} ({self.username})"


class LoginEvent(models.Model):
    """One login or logout attempt, successful or not (SPEC PL-34, 상담사 로그인 이력)."""

    # Null when the service name typed at login matched no organization.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, related_name="+"
    )
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    service_name = models.CharField(_("service name"), max_length=50)
    login_id = models.CharField(_("login ID"), max_length=50)
    kind = models.CharField(_("kind"), max_length=10, choices=LoginKind.choices)
    result = models.CharField(_("result"), max_length=20, choices=LoginResult.choices)
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True)
    user_agent = models.CharField(_("client"), max_length=300, blank=True)
    extension = models.CharField(_("extension"), max_length=5, blank=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[LoginEvent]] = tenant_manager()

    class Meta:
        verbose_name = _("login event")
        indexes = [models.Index(fields=["organization", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.login_id} {self.kind} {self.result} {self.occurred_at:%Y-%m-%d %H:%M:%S}"

    @property
    def platform(self) -> str:
        return "API" if self.channel == Channel.API else client_platform(self.user_agent)


class WorkEvent(models.Model):
    """One administrative action (SPEC PL-35, 작업이력): who did what, where, when, and how."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_label = models.CharField(_("actor"), max_length=100)
    screen = models.CharField(_("screen"), max_length=30, choices=WorkScreen.choices)
    action = models.CharField(_("action"), max_length=20, choices=WorkAction.choices)
    result = models.CharField(_("result"), max_length=10, choices=WorkResult.choices)
    started_at = models.DateTimeField(_("started at"), db_index=True)
    ended_at = models.DateTimeField(_("ended at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[WorkEvent]] = tenant_manager()

    class Meta:
        verbose_name = _("work event")
        indexes = [models.Index(fields=["organization", "started_at"])]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.screen} {self.action} {self.result}"


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 digest is stored."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[ApiToken]] = tenant_manager()

    def __str__(self) -> str:
        return f"token of {self.user_id} until {self.expires_at:%Y-%m-%d}"


class AdminNetwork(models.Model):
    """An address or CIDR range from which administrators may work (SPEC PL-36, 접근관리)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(_("IP address or range"), max_length=50)
    memo = models.CharField(_("memo"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    all_objects = models.Manager()
    objects: ClassVar[models.Manager[AdminNetwork]] = tenant_manager()

    class Meta:
        verbose_name = _("admin network")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "network"], name="admin_network_unique_in_organization"
            )
        ]

    def __str__(self) -> str:
        return self.network

    def contains(self, ip: str) -> bool:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(self.network)
