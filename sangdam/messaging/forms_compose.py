"""The composer's forms (문자 발송, SPEC CC-63..CC-76): they check the shape of what was sent;
``sangdam.messaging.recipients`` and ``sending`` check the rules."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sangdam.accounts.forms import ServiceErrorsMixin
from sangdam.messaging import text
from sangdam.messaging.recipients import MAX_RECIPIENTS, Recipient
from sangdam.messaging.sending import SCHEDULE_LEAD, SCHEDULE_STEP_MINUTES, Draft, Image

# An image is read into memory only up to this size; the service says what the limit is.
IMAGE_READ_LIMIT = 10 * 1024 * 1024
# The recipients' JSON as the browser sends it: phone, name and customer ID of each.
RECIPIENTS_JSON_LIMIT = MAX_RECIPIENTS * 200
NOW, LATER = "now", "later"


class NumberForm(forms.Form):
    """CC-63: the input bar, a name (optional) and a number."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=50, required=False)
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )


class PasteForm(forms.Form):
    """다량추가 (CC-75): one number per line."""

    numbers = forms.CharField(
        label=gettext_lazy("Numbers, one per line"),
        max_length=400_000,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class RecipientSearchForm(forms.Form):
    """검색 (CC-72): registered customers by the start of a name, or a number."""

    text = forms.CharField(
        label=gettext_lazy("Name or number"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class ResidentsForm(forms.Form):
    """CC-73 and CC-74: an apartment (building), and optionally one block (동) of it."""

    apartment = forms.CharField(label=gettext_lazy("Apartment (building)"), max_length=50)
    block = forms.CharField(label=gettext_lazy("Block (dong)"), max_length=20, required=False)


class ExcelFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class ExcelSheetForm(forms.Form):
    """엑셀 전화번호 가져오기 (CC-76): the stored file, its sheet and the first data row."""

    token = forms.CharField(max_length=40, widget=forms.HiddenInput)
    sheet = forms.CharField(label=gettext_lazy("Sheet"), max_length=100, required=False)
    first_row = forms.IntegerField(
        label=gettext_lazy("First row"),
        min_value=1,
        max_value=1_048_576,
        initial=2,
        required=False,
    )

    def clean_first_row(self) -> int:
        value: int | None = self.cleaned_data.get("first_row")
        return 2 if value is None else value


class ExcelColumnsForm(ExcelSheetForm):
    """… and the name and mobile columns (0 = A)."""

    name_column = forms.IntegerField(
        label=gettext_lazy("Name column"), min_value=0, max_value=16_383, required=False
    )
    mobile_column = forms.IntegerField(
        label=gettext_lazy("Mobile column"),
        min_value=0,
        max_value=16_383,
        error_messages={"required": gettext_lazy("Choose the column of the mobile numbers.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, mobile = data.get("name_column"), data.get("mobile_column")
        if name is not None and name == mobile:
            self.add_error(
                "name_column", _("The name and the mobile number cannot be in the same column.")
            )
        return data


class ComposeForm(ServiceErrorsMixin, forms.Form):
    """문자 발송: the message, its recipients and when (CC-63..CC-71).

    The field names are those ``sending.send_messages`` names in its errors, so that each
    error appears next to its field.
    """

    recipients = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)
    body = forms.CharField(
        label=gettext_lazy("Content"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    title = forms.CharField(label=gettext_lazy("Message title"), max_length=100, required=False)
    image = forms.FileField(
        label=gettext_lazy("Image (JPG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,image/jpeg"}),
    )
    is_advertising = forms.BooleanField(label=gettext_lazy("Advertising message"), required=False)
    send_mode = forms.ChoiceField(
        label=gettext_lazy("When"),
        choices=[
            (NOW, gettext_lazy("Send now")),
            (LATER, gettext_lazy("Scheduled send")),
        ],
        initial=NOW,
        widget=forms.RadioSelect,
    )
    scheduled_at = forms.SplitDateTimeField(
        label=gettext_lazy("Send at"),
        required=False,
        error_messages={"invalid": gettext_lazy("Enter a date and a time.")},
    )

    def __init__(self, *args: Any, recipients_file: UploadedFile[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data.get("send_mode") != LATER:
            # 즉시전송: whatever the hidden date and time inputs hold does not matter.
            self.fields["scheduled_at"].disabled = True
        # Long lists come as a file part, which the form-field size limit does not cover.
        self.recipients_file = recipients_file
        self.recipient_list: list[Recipient] = []

    @staticmethod
    def default_schedule(now: dt.datetime | None = None) -> dt.datetime:
        """A time the rules accept: the next 5-minute step at least 15 minutes ahead."""
        local = timezone.localtime(now or timezone.now()) + SCHEDULE_LEAD + dt.timedelta(minutes=5)
        step = SCHEDULE_STEP_MINUTES
        local = local.replace(second=0, microsecond=0)
        return local + dt.timedelta(minutes=(step - local.minute % step) % step)

    def clean_recipients(self) -> str:
        raw: str = self.cleaned_data.get("recipients") or ""
        if self.recipients_file is not None:
            if (self.recipients_file.size or 0) > RECIPIENTS_JSON_LIMIT:
                raise forms.ValidationError(_("The recipient list is too long."))
            raw = self.recipients_file.read().decode("utf-8", "replace")
        self.recipient_list = parse_recipients(raw)
        return raw

    def clean_image(self) -> UploadedFile[Any] | None:
        image: UploadedFile[Any] | None = self.cleaned_data.get("image")
        if image is not None and (image.size or 0) > IMAGE_READ_LIMIT:
            raise forms.ValidationError(
                _("The image is %(size)s KB; an MMS image may have at most %(limit)s KB.")
                % {
                    "size": f"{-(-(image.size or 0) // 1024):,}",
                    "limit": text.MMS_IMAGE_MAX_BYTES // 1024,
                }
            )
        return image

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("send_mode") == LATER:
            if not data.get("scheduled_at") and "scheduled_at" not in self.errors:
                self.add_error("scheduled_at", _("Choose the date and time to send at."))
        else:
            data["scheduled_at"] = None
        return data

    def draft(self) -> Draft:
        data = self.cleaned_data
        upload: UploadedFile[Any] | None = data.get("image")
        image = None
        if upload is not None:
            upload.seek(0)
            image = Image(upload.name or "image.jpg", upload.read())
        return Draft(
            recipients=self.recipient_list,
            body=data.get("body") or "",
            title=data.get("title") or "",
            image=image,
            scheduled_at=data.get("scheduled_at"),
            is_advertising=bool(data.get("is_advertising")),
        )


def parse_recipients(raw: str) -> list[Recipient]:
    """The recipients' JSON: a list of {"phone", "name", "customer_id"}.

    :raises forms.ValidationError: the text is not such a list.
    """
    if not raw.strip():
        return []
    try:
        rows = json.loads(raw)
    except ValueError:
        raise forms.ValidationError(_("The recipient list could not be read.")) from None
    if not isinstance(rows, list):
        raise forms.ValidationError(_("The recipient list could not be read."))
    found: list[Recipient] = []
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("phone"), str):
            raise forms.ValidationError(_("The recipient list could not be read."))
        name = row.get("name")
        customer = row.get("customer_id")
        found.append(
            Recipient(
                phone=row["phone"][:30],
                name=name[:50] if isinstance(name, str) else "",
                customer_id=customer if isinstance(customer, int) else None,
            )
        )
    return found
