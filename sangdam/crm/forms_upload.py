"""Forms of the customer upload: the file, the sheet and first row, the columns and options."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from sangdam.core.spreadsheet_forms import ColumnMappingMixin
from sangdam.crm.enums import DuplicatePolicy
from sangdam.crm.uploading import DEFAULT_FIRST_ROW, FIELDS, MAX_ROWS, MAX_UPLOAD_BYTES


class UploadFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy(
            "One customer per row. Up to %(rows)s rows and %(size)s MB. "
            "An .xls file must be saved as .xlsx first."
        )
        % {"rows": f"{MAX_ROWS:,}", "size": MAX_UPLOAD_BYTES // 1024 // 1024},
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class SheetForm(forms.Form):
    """Which sheet, and the row of the first customer (the headers are on the row above)."""

    sheet = forms.ChoiceField(label=gettext_lazy("Sheet"))
    first_row = forms.IntegerField(
        label=gettext_lazy("First data row"),
        help_text=gettext_lazy("The row of the first customer; the headers are on the row above."),
        min_value=1,
        max_value=1_048_576,
        initial=DEFAULT_FIRST_ROW,
    )

    def __init__(self, *args: Any, sheets: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(name, name) for name in sheets]  # type: ignore[attr-defined]


class MappingForm(ColumnMappingMixin, forms.Form):
    """Which column holds which field, and what to do with duplicates and bad rows."""

    import_fields = FIELDS

    duplicates = forms.ChoiceField(
        label=gettext_lazy("Rows whose mobile or phone number is already registered"),
        choices=DuplicatePolicy.choices,
        initial=DuplicatePolicy.SKIP,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    keep_good_rows = forms.BooleanField(
        label=gettext_lazy("Keep the good rows when some rows have errors"),
        help_text=gettext_lazy(
            "Off: all or nothing — while one row has an error, nothing is saved."
        ),
        required=False,
    )

    def __init__(self, *args: Any, columns: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_column_fields(columns)

    @classmethod
    def initial_for(
        cls,
        mapping: Mapping[str, int | None],
        *,
        duplicates: str = DuplicatePolicy.SKIP,
        keep_good_rows: bool = False,
    ) -> dict[str, Any]:
        initial: dict[str, Any] = {"duplicates": duplicates, "keep_good_rows": keep_good_rows}
        return initial | cls.column_initial(mapping)
