"""Filter forms of the work lists: they read what was typed; ``sangdam.crm.queues`` decides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sangdam.accounts.forms import ServiceErrorsMixin
from sangdam.accounts.models import User
from sangdam.crm import queues
from sangdam.crm.models import ConsultationType
from sangdam.crm.tickets import WORK_ROLES

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def agent_choices(*, with_former: bool = False) -> list[tuple[str, str]]:
    """The organization's agents and administrators, by name; former ones only when asked."""
    people = User.objects.filter(role__in=WORK_ROLES).order_by("name", "pk")
    if not with_former:
        people = people.filter(deleted_at__isnull=True)
    choices = [("", str(_("All agents")))]
    for person in people.only("name", "username", "deleted_at"):
        label = f"{person.name} ({person.username})"
        if person.deleted_at is not None:
            label += " · " + str(_("deleted"))
        choices.append((str(person.pk), label))
    return choices


def type_choices() -> list[tuple[str, str]]:
    """Consultation types as paths (대분류 > 중분류 > 소분류), each under its parent."""
    kinds = list(ConsultationType.objects.order_by("level", "sort_order", "name"))
    children: dict[int | None, list[ConsultationType]] = {}
    for kind in kinds:
        children.setdefault(kind.parent_id, []).append(kind)
    choices = [("", str(_("All types")))]

    def walk(parent: int | None, path: str) -> None:
        for kind in children.get(parent, []):
            label = f"{path} > {kind}" if path else str(kind)
            choices.append((str(kind.pk), label))
            walk(kind.pk, label)

    walk(None, "")
    return choices


def _with_dates(data: QueryDict | None, initial: dict[str, dt.date]) -> QueryDict | None:
    """The submitted filters with the default dates where none were typed, so the page shows
    the period the list was read for."""
    if data is None or (data.get("start") and data.get("end")):
        return data
    data = data.copy()
    for key in ("start", "end"):
        if not data.get(key):
            data[key] = initial[key].isoformat()
    return data


class PeriodForm(ServiceErrorsMixin, forms.Form):
    """조회기간 with 기간무시 (G-CC-12: the last year whatever the dates) and an agent."""

    start = forms.DateField(label=_("From"), required=False, widget=_DATE)
    end = forms.DateField(label=_("To"), required=False, widget=_DATE)
    ignore_period = forms.BooleanField(
        label=_("Ignore period"),
        required=False,
        help_text=_("The last year, whatever the dates."),
    )
    agent = forms.TypedChoiceField(label=_("Agent"), required=False, coerce=int, empty_value=None)

    # Days before and after today the list shows when nothing was chosen.
    days_back = 7
    days_ahead = 0

    def __init__(self, data: QueryDict | None = None) -> None:
        today = timezone.localdate()
        initial = {
            "start": today - dt.timedelta(days=self.days_back),
            "end": today + dt.timedelta(days=self.days_ahead),
        }
        super().__init__(_with_dates(data, initial), initial=initial)
        self.fields["agent"].choices = agent_choices()  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """The checked values, or the defaults while the form is unbound."""
        if not self.is_bound:
            return {
                "start": self.initial["start"],
                "end": self.initial["end"],
                "ignore": False,
                "agent_id": None,
            }
        data = self.cleaned_data
        return {
            "start": data["start"] or self.initial["start"],
            "end": data["end"] or self.initial["end"],
            "ignore": data["ignore_period"],
            "agent_id": data["agent"],
        }


class IncompleteForm(PeriodForm):
    """미완료 상담 (CC-59): received in the last 7 days unless chosen otherwise."""


class RecallsForm(PeriodForm):
    """리콜 (CC-61): recall times from a week back to a week ahead unless chosen otherwise."""

    days_back = queues.RECALL_WINDOW.days
    days_ahead = queues.RECALL_WINDOW.days


# 전체상담 이력's period buttons: the days back from today each sets.
SPANS: dict[str, tuple[int, Any]] = {
    "today": (0, _("Today")),
    "week": (7, _("1 week")),
    "month": (30, _("1 month")),
    "quarter": (90, _("3 months")),
    "year": (365, _("1 year")),
}


class HistoryForm(ServiceErrorsMixin, forms.Form):
    """전체상담 이력 (CS-44)."""

    start = forms.DateField(label=_("From"), required=False, widget=_DATE)
    end = forms.DateField(label=_("To"), required=False, widget=_DATE)
    status = forms.ChoiceField(label=_("Ticket status"), required=False)
    consultation_type = forms.TypedChoiceField(
        label=_("Consultation type"), required=False, coerce=int, empty_value=None
    )
    received_by = forms.TypedChoiceField(
        label=_("Received by"), required=False, coerce=int, empty_value=None
    )
    customer = forms.CharField(
        label=_("Customer"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("Name or phone number")}),
    )
    number = forms.CharField(
        label=_("Ticket number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "placeholder": _("Any day of the last year"),
                "title": _("Searched in the last year, whatever the period."),
            }
        ),
    )
    include_discarded = forms.BooleanField(label=_("Include discarded"), required=False)

    def __init__(self, data: QueryDict | None = None) -> None:
        today = timezone.localdate()
        span = data.get("span", "") if data is not None else ""
        if data is not None and isinstance(span, str) and span in SPANS:
            # A period button: its dates replace the typed ones, and the page shows them.
            data = data.copy()
            data["start"] = (today - dt.timedelta(days=SPANS[span][0])).isoformat()
            data["end"] = today.isoformat()
            del data["span"]
        initial = {"start": today - dt.timedelta(days=7), "end": today}
        super().__init__(_with_dates(data, initial), initial=initial)
        self.fields["status"].choices = queues.history_status_choices()  # type: ignore[attr-defined]
        self.fields["consultation_type"].choices = type_choices()  # type: ignore[attr-defined]
        self.fields["received_by"].choices = agent_choices(with_former=True)  # type: ignore[attr-defined]

    def search(self) -> queues.HistorySearch:
        if not self.is_bound:
            return queues.HistorySearch(start=self.initial["start"], end=self.initial["end"])
        data = self.cleaned_data
        return queues.HistorySearch(
            start=data["start"] or self.initial["start"],
            end=data["end"] or self.initial["end"],
            status=data["status"] or "",
            include_discarded=data["include_discarded"],
            consultation_type_id=data["consultation_type"],
            received_by_id=data["received_by"],
            customer=data["customer"],
            number=data["number"],
        )
