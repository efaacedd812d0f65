from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sangdam.accounts.enums import (
    LoginKind,
    LoginResult,
    ParticipantSide,
    Role,
    WorkAction,
    WorkScreen,
)
from sangdam.accounts.models import AgentGroup, extension_validator, login_id_validator
from sangdam.accounts.queries import Period
from sangdam.accounts.services import AccountFields, NetworkEntry
from sangdam.core.errors import InvalidInput


def time_zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(available_timezones()) if "/" in zone or zone == "UTC"]


class ServiceErrorsMixin:
    """Puts a service's InvalidInput messages on the fields they name."""

    def add_service_errors(self, error: InvalidInput) -> None:
        form: Any = self
        for field, messages in error.errors.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)


class LoginForm(forms.Form):
    service_name = forms.CharField(label=_("Service name"), max_length=50)
    username = forms.CharField(label=_("Login ID"), max_length=50)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=200)
    remember = forms.BooleanField(label=_("Remember ID"), required=False)


class AccountForm(ServiceErrorsMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    username = forms.CharField(label=_("Login ID"), max_length=30, validators=[login_id_validator])
    name = forms.CharField(label=_("Name"), max_length=50)
    email = forms.EmailField(label=_("E-mail"), required=False)
    participant_side = forms.ChoiceField(
        label=_("Participant side"),
        choices=[("", "—"), *ParticipantSide.choices],
        required=False,
    )
    extension = forms.CharField(
        label=_("Extension"),
        max_length=5,
        required=False,
        validators=[extension_validator],
        help_text=_("Leave empty to assign the next free number."),
    )
    group = forms.ModelChoiceField(
        label=_("Agent group"), queryset=AgentGroup.all_objects.none(), required=False
    )
    can_edit_consultations = forms.BooleanField(
        label=_("Consultation-history editor"), required=False
    )
    can_export = forms.BooleanField(label=_("Export"), required=False)
    can_upload_customers = forms.BooleanField(
        label=_("Customer upload"),
        required=False,
        help_text=_("Only one account of the organization may hold this permission."),
    )
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to generate one. The holder must change it at the first login."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = AgentGroup.objects.order_by("name", "id")  # type: ignore[attr-defined]
        # Alpine shows the agent or participant fields for the chosen role.
        self.fields["role"].widget.attrs["x-model"] = "role"
        if editing:
            del self.fields["password"]
            self.fields["username"].disabled = True
            self.fields["username"].required = False

    def account_fields(self) -> AccountFields:
        data = self.cleaned_data
        group = data.get("group")
        return AccountFields(
            role=data["role"],
            name=data["name"],
            email=data.get("email") or "",
            participant_side=data.get("participant_side") or "",
            extension=data.get("extension") or "",
            group_id=group.pk if group is not None else None,
            can_edit_consultations=data.get("can_edit_consultations", False),
            can_export=data.get("can_export", False),
            can_upload_customers=data.get("can_upload_customers", False),
        )


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label=_("New initial password"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Leave empty to generate one."),
    )


class PasswordChangeForm(ServiceErrorsMixin, forms.Form):
    current_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    new_password_again = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("new_password")
            and data.get("new_password_again")
            and data["new_password"] != data["new_password_again"]
        ):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data


class ProfileForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)


class OrganizationTimeZoneForm(ServiceErrorsMixin, forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("The organization's date for {오늘날짜} in text messages."),
    )


class AgentGroupForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=50)


class PeriodForm(ServiceErrorsMixin, forms.Form):
    """The date filter (작업일자) of the history pages."""

    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def period(self) -> Period:
        return Period.checked(self.cleaned_data["date_from"], self.cleaned_data["date_to"])

    def filters(self) -> dict[str, str]:
        """The filters besides the period, as keyword arguments of the history query."""
        return {}


class LoginHistoryFilterForm(PeriodForm):
    login_id = forms.CharField(label=_("Login ID"), max_length=50, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *LoginKind.choices], required=False
    )
    result = forms.ChoiceField(
        label=_("Result"), choices=[("", _("All")), *LoginResult.choices], required=False
    )

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data
        return {"login_id": data["login_id"], "kind": data["kind"], "result": data["result"]}


class WorkHistoryFilterForm(PeriodForm):
    screen = forms.ChoiceField(
        label=_("Screen"), choices=[("", _("All")), *WorkScreen.choices], required=False
    )
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("All")), *WorkAction.choices], required=False
    )
    actor = forms.CharField(label=_("Actor"), max_length=50, required=False)

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data
        return {"screen": data["screen"], "action": data["action"], "actor_search": data["actor"]}


class AdminNetworksForm(ServiceErrorsMixin, forms.Form):
    """The allowlist as parallel lists of rows (network[], memo[]) posted by the page."""

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        self.entries: list[NetworkEntry] = []
        if data is not None:
            networks = data.getlist("network")
            memos = data.getlist("memo")
            self.entries = [
                NetworkEntry(network=network, memo=memos[i] if i < len(memos) else "")
                for i, network in enumerate(networks)
                if network.strip() or (i < len(memos) and memos[i].strip())
            ]
