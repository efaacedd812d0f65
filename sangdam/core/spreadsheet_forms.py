"""The column-mapping part of an import form: one choice per field, each column used once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from sangdam.core.spreadsheet import FieldSpec


class ColumnMappingMixin(forms.Form):
    """Adds a ``col_<key>`` choice per field of ``import_fields`` to a form."""

    import_fields: Sequence[FieldSpec] = ()

    def add_column_fields(self, columns: Sequence[tuple[int, str]]) -> None:
        choices = [("", _("— not in the file —"))] + [(str(i), label) for i, label in columns]
        for spec in self.import_fields:
            self.fields[f"col_{spec.key}"] = forms.ChoiceField(
                label=str(spec.label),
                choices=choices,
                required=spec.required,
                error_messages={
                    "required": _("Choose the column that holds %(field)s.") % {"field": spec.label}
                },
            )

    @staticmethod
    def column_initial(mapping: Mapping[str, int | None]) -> dict[str, Any]:
        return {
            f"col_{key}": "" if column is None else str(column) for key, column in mapping.items()
        }

    def mapping_fields(self) -> list[forms.BoundField]:
        return [self[f"col_{spec.key}"] for spec in self.import_fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used: dict[str, str] = {}
        for spec in self.import_fields:
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
            for spec in self.import_fields
        }
