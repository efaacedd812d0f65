"""Forms of the customer upload: the file, the sheet and first row, the columns and options."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


class MappingForm(forms.Form):
    """Which column holds which field, and what to do with duplicates and bad rows."""

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
        choices = [("", _("— not in the file —"))] + [(str(i), label) for i, label in columns]
        for spec in FIELDS:
            self.fields[f"col_{spec.key}"] = forms.ChoiceField(
                label=str(spec.label),
                choices=choices,
                required=spec.required,
                error_messages={
                    "required": _("Choose the column that holds %(field)s.") % {"field": spec.label}
                },
            )

    @classmethod
    def initial_for(
        cls,
        mapping: Mapping[str, int | None],
        *,
        duplicates: str = DuplicatePolicy.SKIP,
        keep_good_rows: bool = False,
    ) -> dict[str, Any]:
        initial: dict[str, Any] = {"duplicates": duplicates, "keep_good_rows": keep_good_rows}
        for key, column in mapping.items():
            initial[f"col_{key}"] = "" if column is None else str(column)
        return initial

    def mapping_fields(self) -> list[forms.BoundField]:
        return [self[f"col_{spec.key}"] for spec in FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used: dict[str, str] = {}
        for spec in FIELDS:
            column = data.get(f"col_{spec.key}", "")
            if column and column in used:
                self.add_error(
                    f"col_{spec.key}",
                    _("This column is already chosen for %(field)s.") % {"field": used[column]},
                )
            elif column:
                used[column] = str(spec.label)
        return data

    @property
    def mapping(self) -> dict[str, int | None]:
        return {
            spec.key: int(value) if (value := self.cleaned_data.get(f"col_{spec.key}")) else None
            for spec in FIELDS
        }
