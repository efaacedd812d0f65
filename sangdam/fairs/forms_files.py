"""Forms of the participant import: the upload, and the column mapping with the import options."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from sangdam.core.spreadsheet_forms import ColumnMappingMixin
from sangdam.fairs.enums import Approval, Side
from sangdam.fairs.importing import (
    FIELDS,
    MAX_UPLOAD_BYTES,
    ImportFileError,
    Table,
    check_upload,
)

ALL_OR_NOTHING = "all"
KEEP_GOOD = "good"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy("One participant per row, headers in one row. Up to %(limit)s MB.")
        % {"limit": MAX_UPLOAD_BYTES // 1024 // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    header_row = forms.IntegerField(
        label=gettext_lazy("Header row"), min_value=1, max_value=1000, initial=1
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        head = upload.read(8)
        upload.seek(0)
        try:
            check_upload(upload.name or "", upload.size or 0, head)
        except ImportFileError as error:
            raise forms.ValidationError(error.message) from error
        return upload


class MappingForm(ColumnMappingMixin, forms.Form):
    """Which sheet, which header row, which column holds which field, and how to import."""

    import_fields = FIELDS

    sheet = forms.ChoiceField(label=gettext_lazy("Sheet"))
    header_row = forms.IntegerField(label=gettext_lazy("Header row"), min_value=1, max_value=1000)
    approval = forms.ChoiceField(
        label=gettext_lazy("Approval of the imported participants"),
        choices=Approval.choices,
        initial=Approval.APPROVED,
        required=False,
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("When some rows have errors"),
        choices=[
            (ALL_OR_NOTHING, gettext_lazy("Import only if every row is valid")),
            (KEEP_GOOD, gettext_lazy("Import the good rows and skip the bad ones")),
        ],
        initial=ALL_OR_NOTHING,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        required=False,
    )
    # The mapping the preview was made with; importing a different one needs a new preview.
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, table: Table, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.table = table
        self.fields["sheet"].choices = [(name, name) for name in table.sheets]  # type: ignore[attr-defined]
        self.add_column_fields(
            [(index, table.column_label(index)) for index in range(len(table.headers))]
        )

    @classmethod
    def initial_for(cls, table: Table, mapping: Mapping[str, int | None]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "sheet": table.sheet,
            "header_row": table.header_row,
            "approval": Approval.APPROVED,
            "mode": ALL_OR_NOTHING,
        }
        return initial | cls.column_initial(mapping)

    def clean_approval(self) -> str:
        return str(self.cleaned_data.get("approval") or Approval.APPROVED)

    def clean_mode(self) -> str:
        return str(self.cleaned_data.get("mode") or ALL_OR_NOTHING)

    @property
    def fingerprint(self) -> str:
        """A short digest of the choices a preview depends on."""
        choices = {
            "sheet": self.cleaned_data["sheet"],
            "header_row": self.cleaned_data["header_row"],
            "mapping": self.mapping,
        }
        return hashlib.sha256(json.dumps(choices, sort_keys=True).encode()).hexdigest()[:16]


class PrintFilterForm(forms.Form):
    side = forms.ChoiceField(
        label=gettext_lazy("Side"),
        choices=[("", gettext_lazy("All")), *Side.choices],
        required=False,
    )


def side_filter(data: Mapping[str, Any]) -> Side | None:
    form = PrintFilterForm(data)
    if form.is_valid() and form.cleaned_data["side"]:
        return Side(form.cleaned_data["side"])
    return None
