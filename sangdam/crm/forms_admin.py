"""Forms of the contact-center administration pages: types, extensions, consultation history.

They check the shape of the input; the services in ``types``, ``extensions`` and ``history``
check the rules and their InvalidInput messages are put on these forms' fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sangdam.accounts.forms import ServiceErrorsMixin
from sangdam.crm.extensions import LONGEST_LENGTH, SHORTEST_LENGTH
from sangdam.crm.history import CaseChanges, Entry, HistorySearch
from sangdam.crm.types import CODE_MAX, NAME_MAX, TypeNode

INDENT = "\u3000"  # a full-width space indents the types in the selects by level


def type_choices(nodes: list[TypeNode], *, blank: str, parents_only: bool = False) -> list[Any]:
    choices: list[Any] = [("", blank)]
    for node in nodes:
        if parents_only and not node.can_have_children:
            continue
        choices.append((str(node.type.pk), INDENT * (node.type.level - 1) + node.path))
    return choices


# ------------------------------------------------------------------------------------- types


class TypeCreateForm(ServiceErrorsMixin, forms.Form):
    parent = forms.TypedChoiceField(
        label=_("Parent type"), coerce=int, empty_value=None, required=False
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=CODE_MAX,
        required=False,
        help_text=_("Optional, e.g. 10"),
    )
    name = forms.CharField(label=_("Type name"), max_length=NAME_MAX)

    def __init__(self, *args: Any, nodes: list[TypeNode], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["parent"]
        field.choices = type_choices(nodes, blank=str(_("None: a major type")), parents_only=True)


class TypeEditForm(ServiceErrorsMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=CODE_MAX, required=False)
    name = forms.CharField(label=_("Type name"), max_length=NAME_MAX)
    sort_order = forms.IntegerField(label=_("Sort order"), min_value=0, max_value=999_999)


# -------------------------------------------------------------------------------- extensions


class ExtensionLengthForm(ServiceErrorsMixin, forms.Form):
    extension_length = forms.TypedChoiceField(
        label=_("Extension length"),
        coerce=int,
        choices=[
            (n, _("Up to %(count)d digits") % {"count": n})
            for n in range(SHORTEST_LENGTH, LONGEST_LENGTH + 1)
        ],
        help_text=_("4 for PBX extensions, 5 for cloud DNs."),
    )


class ExtensionForm(ServiceErrorsMixin, forms.Form):
    extension = forms.CharField(label=_("Extension"), max_length=10, required=False)


# ------------------------------------------------------------------------------------ history


class HistorySearchForm(ServiceErrorsMixin, forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    type = forms.TypedChoiceField(
        label=_("Consultation type"), coerce=int, empty_value=None, required=False
    )
    agent = forms.TypedChoiceField(label=_("Agent"), coerce=int, empty_value=None, required=False)
    apartment = forms.CharField(label=_("Apartment name"), max_length=50, required=False)

    def __init__(
        self, *args: Any, nodes: list[TypeNode], agents: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        kind: Any = self.fields["type"]
        kind.choices = type_choices(nodes, blank=str(_("All types")))
        agent: Any = self.fields["agent"]
        agent.choices = [("", str(_("All agents"))), *agents]

    def search(self) -> HistorySearch:
        data = self.cleaned_data
        return HistorySearch(
            start=data.get("start"),
            end=data.get("end"),
            type_id=data.get("type"),
            agent_id=data.get("agent"),
            apartment=data.get("apartment") or "",
        )


def _text(value: str) -> str:
    """Browsers send a textarea's line breaks as CR LF."""
    return value.replace("\r\n", "\n")


class CaseChangesForm(ServiceErrorsMixin, forms.Form):
    """The detail page's one form: every entry's text and delete mark, sent by 변경내용 저장.

    Every entry gets its fields, also those the user may not change now: a change sent for
    one is refused by the service instead of being dropped without a word.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)
    delete_case = forms.BooleanField(required=False)

    def __init__(self, *args: Any, entries: list[Entry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = entries
        for entry in entries:
            self.fields[f"{entry.key}-content"] = forms.CharField(
                required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4})
            )
            if entry.note is not None:
                self.fields[f"{entry.key}-delete"] = forms.BooleanField(required=False)

    def changes(self) -> CaseChanges:
        """Only what differs from the entries as they are now."""
        data = self.cleaned_data
        content = None
        edited: dict[int, str] = {}
        deleted: set[int] = set()
        for entry in self.entries:
            name = f"{entry.key}-content"
            # An entry whose text was not sent (the page shows no editor for it) is unchanged.
            sent = _text(data.get(name) or "") if name in self.data else None
            changed = sent is not None and sent.strip() != _text(entry.content).strip()
            if entry.note is None:
                content = sent if changed else None
            elif data.get(f"{entry.key}-delete"):
                deleted.add(entry.note.pk)
            elif changed and sent is not None:
                edited[entry.note.pk] = sent
        return CaseChanges(
            version=data["version"],
            content=content,
            edited=edited,
            deleted=frozenset(deleted),
            delete_case=bool(data.get("delete_case")),
        )
