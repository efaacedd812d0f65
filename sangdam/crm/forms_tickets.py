"""The CS등록 ticket form (SPEC CS-10): shape checks only; the rules are in ``tickets``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangdam.accounts.forms import ServiceErrorsMixin
from sangdam.accounts.models import User
from sangdam.core.errors import InvalidInput
from sangdam.crm import tickets
from sangdam.crm.enums import CallResult, ConsultationResult, Direction, InflowChannel
from sangdam.crm.models import TYPE_LEVELS, ConsultationType, Ticket
from sangdam.crm.phones import format_phone

# A due date given without a time is due at the end of that day (SPEC G-CS-02).
END_OF_DAY = dt.time(23, 59)
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
TYPE_FIELDS = tuple(f"type_{level}" for level in range(1, TYPE_LEVELS + 1))

# Where the service's field names are shown on this form.
_ERROR_FIELDS = {
    "customer_id": "customer_lookup",
    "consultation_type_id": "type_1",
    "due_at": "due_date",
}


def _blank(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", "---------"), *choices]


def agent_label(user: User) -> str:
    return f"{user.name} ({user.extension})" if user.extension else user.name


def _local_minutes(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return timezone.localtime(moment).replace(second=0, microsecond=0)


class TypeTree:
    """The tenant's consultation types (a few hundred at most), read once per page."""

    def __init__(self) -> None:
        self.by_id = {kind.pk: kind for kind in ConsultationType.objects.all()}

    def path(self, kind_id: int | None) -> list[ConsultationType]:
        """The type and its ancestors, top first."""
        chain: list[ConsultationType] = []
        kind = self.by_id.get(kind_id) if kind_id is not None else None
        while kind is not None:
            chain.insert(0, kind)
            kind = self.by_id.get(kind.parent_id) if kind.parent_id is not None else None
        return chain

    def children(self, parent_id: int | None, level: int) -> list[ConsultationType]:
        return [
            kind
            for kind in self.by_id.values()
            if kind.level == level and kind.parent_id == parent_id
        ]

    def path_label(self, kind_id: int | None) -> str:
        return " > ".join(str(kind) for kind in self.path(kind_id))

    def options(
        self, level: int, parent_id: int | None
    ) -> list[tuple[str, list[ConsultationType]]]:
        """The choices of one level's select: the parent's children, or without a chosen parent
        every type of the level grouped by its parent (usable without JavaScript)."""
        if level == 1:
            return [("", self.children(None, 1))]
        if parent_id is not None:
            return [("", self.children(parent_id, level))]
        groups: dict[int, list[ConsultationType]] = {}
        for kind in self.by_id.values():
            if kind.level == level and kind.parent_id is not None:
                groups.setdefault(kind.parent_id, []).append(kind)
        parents = sorted(groups, key=lambda pk: [(k.sort_order, k.name) for k in self.path(pk)])
        return [(self.path_label(pk), groups[pk]) for pk in parents]


class TicketForm(ServiceErrorsMixin, forms.Form):
    """All fields of the CS접수정보 area; ``fields_data()`` gives what the services take."""

    ticket = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, initial=0, widget=forms.HiddenInput)
    follows_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    customer_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    customer_lookup = forms.CharField(
        label=_("Customer ID"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, phone number or customer ID"), "autocomplete": "off"}
        ),
    )
    customer_name = forms.CharField(label=_("Customer name"), required=False, max_length=50)
    customer_phone = forms.CharField(
        label=_("Customer phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    channel = forms.ChoiceField(label=_("Inflow channel"), choices=InflowChannel.choices)
    direction = forms.ChoiceField(label=_("IN/OUT"), choices=Direction.choices)
    call_result = forms.ChoiceField(
        label=_("Call result"), required=False, choices=_blank(CallResult.choices)
    )
    consultation_result = forms.ChoiceField(
        label=_("Consultation result"), required=False, choices=_blank(ConsultationResult.choices)
    )
    order_number = forms.CharField(label=_("Order number"), required=False, max_length=30)
    product_number = forms.CharField(label=_("Product number"), required=False, max_length=30)
    type_1 = forms.IntegerField(label=_("Consultation type"), required=False)
    type_2 = forms.IntegerField(label=_("Consultation type (level 2)"), required=False)
    type_3 = forms.IntegerField(label=_("Consultation type (level 3)"), required=False)
    title = forms.CharField(label=_("Subject"), required=False, max_length=200)
    content = forms.CharField(
        label=_("Consultation content"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    admin_memo = forms.CharField(
        label=_("Admin memo"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_time = forms.TimeField(
        label=_("Due time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Without a time the ticket is due at 23:59."),
    )
    recall = forms.BooleanField(label=_("Recall"), required=False)
    recall_at = forms.DateTimeField(
        label=_("Recall time"),
        required=False,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    assignee_id = forms.TypedChoiceField(
        label=_("Transfer to"), required=False, coerce=int, empty_value=None
    )
    reason = forms.CharField(
        label=_("Discard reason"),
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        original: Ticket | None = None,
        tree: TypeTree | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.original = original
        self.tree = tree or TypeTree()
        agents = [agent for agent in tickets.assignable_agents() if agent.pk != user.pk]
        assignee: Any = self.fields["assignee_id"]
        assignee.choices = _blank([(agent.pk, agent_label(agent)) for agent in agents])
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            elif not widget.is_hidden:
                widget.attrs["class"] = "form-control form-control-sm"

    # ------------------------------------------------------------------------------ initial

    @classmethod
    def initial_for(cls, data: tickets.TicketFields, ticket: Ticket | None) -> dict[str, Any]:
        """The form's starting values for a ticket (or unsaved fields, e.g. F8's)."""
        due = timezone.localtime(data.due_at) if data.due_at else None
        initial: dict[str, Any] = {
            "ticket": ticket.pk if ticket else None,
            "version": ticket.version if ticket else 0,
            "follows_id": data.follows_id,
            "customer_id": data.customer_id,
            "customer_name": data.customer_name,
            "customer_phone": format_phone(data.customer_phone),
            "channel": data.channel,
            "direction": data.direction,
            "call_result": data.call_result,
            "consultation_result": data.consultation_result,
            "order_number": data.order_number,
            "product_number": data.product_number,
            "title": data.title,
            "content": data.content,
            "admin_memo": data.admin_memo,
            "due_date": due.date() if due else None,
            "due_time": due.time() if due else None,
            "recall": data.recall_at is not None,
            "recall_at": _local_minutes(data.recall_at),
        }
        if ticket is not None and ticket.assignee_id is not None:
            initial["assignee_id"] = ticket.assignee_id
        return initial

    @classmethod
    def type_initial(cls, tree: TypeTree, kind_id: int | None) -> dict[str, int]:
        return {f"type_{kind.level}": kind.pk for kind in tree.path(kind_id)}

    # --------------------------------------------------------------------------- validation

    def clean_follows_id(self) -> int | None:
        follows_id: int | None = self.cleaned_data.get("follows_id")
        if follows_id is not None and not Ticket.objects.filter(pk=follows_id).exists():
            raise forms.ValidationError(_("The original ticket does not exist."))
        return follows_id

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["consultation_type_id"] = self._chosen_type(cleaned)
        due_date, due_time = cleaned.get("due_date"), cleaned.get("due_time")
        cleaned["due_at"] = None
        if due_time is not None and due_date is None:
            self.add_error("due_date", _("Enter the due date too."))
        elif due_date is not None:
            due = timezone.make_aware(dt.datetime.combine(due_date, due_time or END_OF_DAY))
            cleaned["due_at"] = self._unchanged(due, "due_at")
        recall_at = cleaned.get("recall_at")
        if not cleaned.get("recall"):
            cleaned["recall_at"] = None
        elif recall_at is None and "recall_at" not in self.errors:
            self.add_error("recall_at", _("Enter the time to call the customer back."))
        else:
            cleaned["recall_at"] = self._unchanged(recall_at, "recall_at")
        return cleaned

    def _unchanged(self, value: dt.datetime | None, name: str) -> dt.datetime | None:
        """The stored time when the form shows it unchanged (the form drops the seconds)."""
        stored: dt.datetime | None = getattr(self.original, name) if self.original else None
        if value is not None and stored is not None and _local_minutes(stored) == value:
            return stored
        return value

    def _chosen_type(self, cleaned: dict[str, Any]) -> int | None:
        """The deepest chosen type; the chosen levels must lie on one path of the tree."""
        deepest = None
        for level, name in enumerate(TYPE_FIELDS, start=1):
            chosen = cleaned.get(name)
            if chosen is None:
                continue
            kind = self.tree.by_id.get(chosen)
            if kind is None or kind.level != level:
                self.add_error("type_1", _("Choose a consultation type from the list."))
                return None
            if deepest is not None and kind.parent_id != deepest.pk:
                self.add_error(
                    "type_1", _("The chosen types do not belong together. Choose them again.")
                )
                return None
            deepest = kind
        return deepest.pk if deepest else None

    # ----------------------------------------------------------------------------- results

    def fields_data(self) -> tickets.TicketFields:
        c = self.cleaned_data
        return tickets.TicketFields(
            customer_id=c["customer_id"],
            customer_name=c["customer_name"],
            customer_phone=c["customer_phone"],
            consultation_type_id=c["consultation_type_id"],
            channel=c["channel"],
            direction=c["direction"],
            call_result=c["call_result"],
            consultation_result=c["consultation_result"],
            order_number=c["order_number"].strip(),
            product_number=c["product_number"].strip(),
            title=c["title"],
            content=c["content"],
            admin_memo=c["admin_memo"],
            due_at=c["due_at"],
            recall_at=c["recall_at"],
            follows_id=c["follows_id"],
        )

    def add_service_errors(self, error: InvalidInput) -> None:
        for field, messages in error.errors.items():
            target = _ERROR_FIELDS.get(field, field)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)

    def selected(self, name: str) -> Any:
        """The value a field shows: what was posted, else its initial value."""
        if self.is_bound:
            return self.data.get(name, "")
        value = self.initial.get(name, self.fields[name].initial)
        return "" if value is None else value


class ConsultationForm(forms.Form):
    """상담추가: a consultation appended to the loaded ticket (CC-45)."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Added consultation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
