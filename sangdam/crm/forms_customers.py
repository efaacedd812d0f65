"""The customer pages' forms: they check the shape; sangdam.crm.customers checks the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sangdam.accounts.forms import ServiceErrorsMixin
from sangdam.core.errors import InvalidInput
from sangdam.crm.customers import CustomerFields, CustomerSearch
from sangdam.crm.phones import format_phone, normalize_phone


class CustomerSearchForm(ServiceErrorsMixin, forms.Form):
    """CC-37: one box for a name, a number or a customer ID, plus apartment and block."""

    text = forms.CharField(
        label=_("Name, phone number or customer ID"),
        max_length=50,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("e.g. Hong, 010-1234-5678, 01012345678"),
                "autofocus": True,
                "autocomplete": "off",
            }
        ),
    )
    apartment = forms.CharField(label=_("Apartment (building)"), max_length=50, required=False)
    block = forms.CharField(label=_("Block (dong)"), max_length=20, required=False)

    def search(self) -> CustomerSearch:
        data = self.cleaned_data
        return CustomerSearch(text=data["text"], apartment=data["apartment"], block=data["block"])


class CustomerForm(ServiceErrorsMixin, forms.Form):
    """The customer form of CC-36 / CC-39 (the fields of G-CC-30 plus 고객ID and 회원등급)."""

    name = forms.CharField(label=_("Customer name"), max_length=50)
    mobile = forms.CharField(
        label=_("Mobile"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "placeholder": "010-1234-5678"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "placeholder": "02-123-4567"}),
    )
    customer_code = forms.CharField(label=_("Customer ID"), max_length=30, required=False)
    member_grade = forms.CharField(label=_("Member grade"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    apartment = forms.CharField(label=_("Apartment (building)"), max_length=50, required=False)
    block = forms.CharField(label=_("Block (dong)"), max_length=20, required=False)
    unit = forms.CharField(label=_("Unit (ho)"), max_length=20, required=False)
    move_in_date = forms.DateField(
        label=_("Move-in date"),
        required=False,
        widget=forms.DateInput(
            # Greyed out while 미정 (undecided) is ticked; the template's Alpine state.
            attrs={"type": "date", "x-bind:disabled": "undecided", "data-testid": "move-in-date"},
            format="%Y-%m-%d",
        ),
    )
    move_in_undecided = forms.BooleanField(label=_("Undecided"), required=False)
    sms_opt_out = forms.BooleanField(label=_("SMS opt-out"), required=False)
    is_vip = forms.BooleanField(label=_("VIP"), required=False)
    needs_caution = forms.BooleanField(label=_("Caution"), required=False)
    memo = forms.CharField(
        label=_("Memo"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    # Ticked after the duplicate-number warning: save although another customer has the number.
    confirm_duplicate = forms.BooleanField(
        label=_("Save anyway: the number is shared with the customer named above"),
        required=False,
    )

    @classmethod
    def initial_for(cls, data: CustomerFields) -> dict[str, Any]:
        """The form's values for a stored (or prefilled) customer, numbers written with hyphens."""
        initial: dict[str, Any] = {
            name: getattr(data, name) for name in CustomerFields.__dataclass_fields__
        }
        initial["mobile"] = format_phone(data.mobile) if data.mobile.isdigit() else data.mobile
        initial["phone"] = format_phone(data.phone) if data.phone.isdigit() else data.phone
        initial["move_in_undecided"] = data.move_in_date is None
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("move_in_undecided"):
            # 미정 wins over a date left in the box (CC-36: undecided means no date).
            data["move_in_date"] = None
            self.errors.pop("move_in_date", None)
        # The numbers are checked here too, so that one submit names every bad field (the
        # service checks them again when saving).
        for key in ("mobile", "phone"):
            if data.get(key):
                try:
                    normalize_phone(data[key], field=key)
                except InvalidInput as error:
                    self.add_service_errors(error)
        return data

    def fields_data(self) -> CustomerFields:
        data = self.cleaned_data
        return CustomerFields(**{name: data[name] for name in CustomerFields.__dataclass_fields__})

    @property
    def confirmed(self) -> bool:
        return bool(self.cleaned_data.get("confirm_duplicate"))
