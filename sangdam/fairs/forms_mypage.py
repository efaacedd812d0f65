"""Forms of the participant's my-page: they parse input into the services' dataclasses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sangdam.accounts.forms import ServiceErrorsMixin
from sangdam.fairs.enums import BuyerType, CompanyForm, Outcome, Side
from sangdam.fairs.models import MeetingReport, Participant
from sangdam.fairs.mypage import CounterpartFilter, counterpart_countries, event_categories
from sangdam.fairs.services import INFO_FIELDS, ParticipationInfo, ReportFields

# The zones offered by "change time zone" (SPEC MM-12); the event's and the user's own are added.
COMMON_ZONES = (
    "Asia/Seoul",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Ho_Chi_Minh",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Manila",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/London",
    "UTC",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Pacific/Auckland",
)

_BUYER_FIELDS = ("buyer_type", "company_form", "company_form_other", "crm_number")
_TEXT_FIELDS = tuple(n for n in INFO_FIELDS if n not in _BUYER_FIELDS)


class ParticipationForm(ServiceErrorsMixin, forms.Form):
    """SPEC MM-06: company and contact-person info; buyers also describe their buyer profile."""

    company_name = forms.CharField(label=_("Company name"), max_length=200)
    company_name_en = forms.CharField(
        label=_("Company name (English)"), max_length=200, required=False
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_title = forms.CharField(label=_("Title"), max_length=100, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    country = forms.CharField(label=_("Country"), max_length=100, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Company introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    buyer_type = forms.ChoiceField(
        label=_("Buyer type"),
        choices=BuyerType.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    company_form = forms.ChoiceField(
        label=_("Company form"),
        choices=CompanyForm.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    company_form_other = forms.CharField(
        label=_("Company form (other)"), max_length=100, required=False
    )
    crm_number = forms.CharField(label=_("CRM registration number"), max_length=50, required=False)

    def __init__(
        self, data: Any = None, *, participant: Participant, read_only: bool = False
    ) -> None:
        initial: dict[str, Any] = {name: getattr(participant, name) for name in _TEXT_FIELDS}
        initial.update({name: getattr(participant, name) for name in _BUYER_FIELDS})
        initial["categories"] = [c.name for c in participant.categories.all()]
        super().__init__(data, initial=initial)
        self.is_buyer = participant.side == Side.BUYER
        names = [c.name for c in event_categories(participant.event)]
        # Categories the organizer filed the company under stay choosable even if renamed away.
        names += [n for n in initial["categories"] if n not in names]
        self.fields["categories"].choices = [(n, n) for n in names]  # type: ignore[attr-defined]
        if not self.is_buyer:
            for name in _BUYER_FIELDS:
                del self.fields[name]
        if read_only:
            for form_field in self.fields.values():
                form_field.disabled = True

    def info(self) -> ParticipationInfo:
        data = self.cleaned_data
        return ParticipationInfo(
            **{name: data.get(name) or "" for name in _TEXT_FIELDS},
            categories=list(data.get("categories") or []),
            **{name: data.get(name) or "" for name in _BUYER_FIELDS if self.is_buyer},
        )


class CounterpartFilterForm(forms.Form):
    """SPEC MM-19: category, country and company name."""

    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    company = forms.CharField(label=_("Company name"), max_length=100, required=False)

    def __init__(self, data: Any = None, *, participant: Participant) -> None:
        super().__init__(data)
        browsing_buyers = participant.side == Side.SELLER
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("- Desired import item category -") if browsing_buyers else _("- Category -")),
            *((c.pk, c.name) for c in event_categories(participant.event)),
        ]
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            ("", _("- Country -")),
            *((c, c) for c in counterpart_countries(participant)),
        ]

    def filters(self) -> CounterpartFilter:
        if not self.is_valid():
            return CounterpartFilter()
        data = self.cleaned_data
        category = data.get("category")
        return CounterpartFilter(
            category_id=category if isinstance(category, int) else None,
            country=data.get("country") or "",
            company=data.get("company") or "",
        )


class ReportForm(ServiceErrorsMixin, forms.Form):
    """SPEC MM-36, G-MM-14: one party's report of one meeting (실적표)."""

    held = forms.TypedChoiceField(
        label=_("Meeting"),
        choices=[("yes", _("Held")), ("no", _("No-show"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    consultation_usd = forms.DecimalField(
        label=_("Consultation amount (USD)"),
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    expected_contract_usd = forms.DecimalField(
        label=_("Expected contract amount (USD)"),
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *Outcome.choices], required=False
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, data: Any = None, *, report: MeetingReport | None = None) -> None:
        initial: dict[str, Any] = {"held": "yes"}
        if report is not None:
            initial = {
                "held": "yes" if report.held else "no",
                "consultation_usd": report.consultation_usd,
                "expected_contract_usd": report.expected_contract_usd,
                "outcome": report.outcome,
                "comment": report.comment,
            }
        super().__init__(data, initial=initial)

    def fields_to_save(self) -> ReportFields:
        data = self.cleaned_data
        return ReportFields(
            held=bool(data["held"]),
            consultation_usd=data.get("consultation_usd") or Decimal(0),
            expected_contract_usd=data.get("expected_contract_usd") or Decimal(0),
            outcome=data.get("outcome") or "",
            comment=data.get("comment") or "",
        )


def zone_choices(*extra: str) -> list[tuple[str, str]]:
    zones = list(dict.fromkeys([*extra, *COMMON_ZONES]))
    return [(zone, zone) for zone in zones if zone]


class TimeZoneForm(forms.Form):
    """SPEC MM-12: the zone times are shown in; "fix" keeps it in the account."""

    zone = forms.ChoiceField(label=_("Time zone"))
    fix = forms.BooleanField(required=False)

    def __init__(self, data: Any = None, *, extra_zones: tuple[str, ...] = ()) -> None:
        super().__init__(data)
        self.fields["zone"].choices = zone_choices(*extra_zones)  # type: ignore[attr-defined]
