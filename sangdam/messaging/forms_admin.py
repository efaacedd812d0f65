"""Forms of the messaging administration pages.

They check the shape of the input; the services (``message_templates``, ``profile``,
``opt_outs``, ``history``) check the rules, and their InvalidInput messages are put on the
fields they name.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sangdam.accounts.forms import ServiceErrorsMixin
from sangdam.messaging import text
from sangdam.messaging.enums import MessageKind
from sangdam.messaging.history import QUERY_MAX, HistorySearch
from sangdam.messaging.message_templates import TITLE_MAX, TemplateFields
from sangdam.messaging.profile import SENDER_NAME_MAX, ProfileFields


class TemplateForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(
        label=_("Template name"),
        max_length=TITLE_MAX,
        error_messages={"required": _("Enter the template name.")},
    )
    body = forms.CharField(
        label=_("Content"),
        strip=False,
        error_messages={"required": _("Write the template's content.")},
        widget=forms.Textarea(attrs={"rows": 10, "data-byte-limit": text.LMS_MAX_BYTES}),
        help_text=_(
            "Up to 2,000 bytes (Hangul 2 bytes, letters and digits 1). Up to 80 bytes goes as "
            "SMS, more as LMS. {고객명} and {오늘날짜} are filled in when sending."
        ),
    )

    def fields_value(self) -> TemplateFields:
        return TemplateFields(title=self.cleaned_data["title"], body=self.cleaned_data["body"])


class SettingsForm(ServiceErrorsMixin, forms.Form):
    sender_number = forms.CharField(
        label=_("Sender number"),
        max_length=20,
        error_messages={"required": _("Enter the sender number registered with the carrier.")},
        help_text=_(
            "The number recipients see (발신번호). By law it must be registered in advance with "
            "the carrier (발신번호 사전등록제); messages from an unregistered number are "
            "blocked. Usually the representative number, e.g. 02-1588-0000 or 1588-0000."
        ),
    )
    sender_name = forms.CharField(
        label=_("Sender name"),
        max_length=SENDER_NAME_MAX,
        required=False,
        help_text=_(
            "The company or service name. Advertising messages must begin with (광고) and this "
            "name, e.g. (광고)에이크미."
        ),
    )
    opt_out_number = forms.CharField(
        label=_("080 opt-out number"),
        max_length=20,
        required=False,
        help_text=_(
            "The free 080 line of the opt-out add-on service. Advertising messages must end with "
            "it (무료거부 080-…); without it no advertising message can be sent. Numbers that "
            "opt out through it are added to the 080 opt-out list."
        ),
    )

    def fields_value(self) -> ProfileFields:
        data = self.cleaned_data
        return ProfileFields(
            sender_number=data["sender_number"],
            sender_name=data.get("sender_name") or "",
            opt_out_number=data.get("opt_out_number") or "",
        )


class OptOutAddForm(ServiceErrorsMixin, forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        error_messages={"required": _("Enter a mobile number.")},
        widget=forms.TextInput(attrs={"placeholder": "010-1234-5678", "inputmode": "tel"}),
    )


class OptOutPasteForm(ServiceErrorsMixin, forms.Form):
    numbers = forms.CharField(
        label=_("Numbers, one per line"),
        strip=False,
        error_messages={"required": _("Paste at least one mobile number.")},
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": "010-1234-5678\n01098765432", "spellcheck": "false"}
        ),
        help_text=_("With or without hyphens. Lines that are not mobile numbers are reported."),
    )


class OptOutSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Any part of a number")}),
    )


KIND_CHOICES = [("", _("All")), *((kind.value, kind.label) for kind in MessageKind)]


class HistorySearchForm(ServiceErrorsMixin, forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(label=_("Type"), choices=KIND_CHOICES, required=False)
    query = forms.CharField(
        label=_("Name or number"),
        max_length=QUERY_MAX,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("A name, or a number from its start")}
        ),
    )

    def search(self) -> HistorySearch:
        data = self.cleaned_data
        return HistorySearch(
            start=data.get("start"),
            end=data.get("end"),
            kind=data.get("kind") or "",
            query=data.get("query") or "",
        )


class ScheduledSearchForm(forms.Form):
    query = forms.CharField(
        label=_("Name or number"),
        max_length=QUERY_MAX,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("A name, or a number from its start")}
        ),
    )
