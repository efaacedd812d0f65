"""Forms of the organizer console: they read what was typed; the services decide."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sangdam.accounts.forms import ServiceErrorsMixin, time_zone_choices
from sangdam.fairs import console, services
from sangdam.fairs.enums import (
    Approval,
    BuyerType,
    CompanyForm,
    HostSide,
    SchedulingMode,
    Side,
)
from sangdam.fairs.models import Event, Participant
from sangdam.fairs.services import EventSettings, ParticipantTerms, ParticipationInfo
from sangdam.fairs.timetable import format_breaks, parse_breaks

MAX_EVENT_DAYS = 31
_DAY_SEPARATORS = re.compile(r"[,\n;]+")
_RANGE = re.compile(r"\s*(?:~|\.\.|\bto\b|부터)\s*")


def parse_days(text: str) -> list[dt.date]:
    """Read "2031-03-10, 2031-03-12" or a range "2031-03-10 ~ 2031-03-12" (one per line too).

    :raises ValidationError: naming the part that cannot be read.
    """
    days: set[dt.date] = set()
    for part in _DAY_SEPARATORS.split(text):
        part = part.strip()
        if not part:
            continue
        pieces = _RANGE.split(part)
        try:
            if len(pieces) == 1:
                days.add(_date(pieces[0]))
                continue
            if len(pieces) != 2:
                raise ValueError(part)
            first, last = _date(pieces[0]), _date(pieces[1])
        except ValueError as error:
            raise ValidationError(
                _('Cannot read the day "%(part)s". Write it like 2031-03-10.'),
                params={"part": part},
            ) from error
        if last < first:
            raise ValidationError(
                _('The range "%(part)s" ends before it starts.'), params={"part": part}
            )
        if (last - first).days >= MAX_EVENT_DAYS:
            raise ValidationError(
                _('The range "%(part)s" is longer than %(max)d days.'),
                params={"part": part, "max": MAX_EVENT_DAYS},
            )
        days.update(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    if len(days) > MAX_EVENT_DAYS:
        raise ValidationError(
            _("An event has at most %(max)d days."), params={"max": MAX_EVENT_DAYS}
        )
    return sorted(days)


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text.strip().replace(".", "-").replace("/", "-"))


def format_days(days: list[dt.date]) -> str:
    """Days as the form shows them: consecutive days as one range."""
    parts: list[str] = []
    run: list[dt.date] = []
    for day in sorted(days):
        if run and day - run[-1] == dt.timedelta(days=1):
            run.append(day)
            continue
        if run:
            parts.append(_run_text(run))
        run = [day]
    if run:
        parts.append(_run_text(run))
    return ", ".join(parts)


def _run_text(run: list[dt.date]) -> str:
    if len(run) <= 2:
        return ", ".join(d.isoformat() for d in run)
    return f"{run[0].isoformat()} ~ {run[-1].isoformat()}"


class WallClockField(forms.DateTimeField):
    """A datetime-local input read as a wall-clock time; the form attaches the event's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        try:
            return dt.datetime.fromisoformat(str(value).strip()).replace(tzinfo=None)
        except ValueError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error

    def prepare_value(self, value: Any) -> Any:
        return value


def wall_clock(value: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    """A stored datetime as the wall-clock time of ``zone`` (the form's initial value)."""
    return None if value is None else value.astimezone(zone).replace(tzinfo=None)


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class EventForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Event name"), max_length=200)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    days = forms.CharField(
        label=_("Event days"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Dates separated by commas or lines, or a range: 2031-03-10 ~ 2031-03-12."),
    )
    daily_start = forms.TimeField(label=_("Daily start"), widget=_time_input())
    daily_end = forms.TimeField(label=_("Daily end"), widget=_time_input())
    breaks = forms.CharField(
        label=_("Breaks"),
        required=False,
        help_text=_("No meetings in these times, e.g. 12:00-13:00, 15:00-15:15."),
    )
    meeting_minutes = forms.IntegerField(
        label=_("Meeting length (minutes)"), min_value=5, max_value=240
    )
    gap_minutes = forms.IntegerField(
        label=_("Time between meetings (minutes)"), min_value=0, max_value=120
    )
    participation_deadline = WallClockField(label=_("Participation-info deadline"))
    request_deadline = WallClockField(label=_("Meeting-request deadline"))
    request_quota = forms.IntegerField(
        label=_("Request quota"),
        min_value=1,
        max_value=1000,
        help_text=_("How many requests each participant may send."),
    )
    default_daily_cap = forms.IntegerField(
        label=_("Daily meeting cap"),
        min_value=1,
        required=False,
        help_text=_("Most meetings a company has in one day. Leave empty for no cap."),
    )
    tables = forms.IntegerField(
        label=_("Tables / booths"),
        min_value=1,
        required=False,
        help_text=_("Meetings that can run at once. Leave empty for no limit."),
    )
    host_side = forms.ChoiceField(label=_("Fixed tables"), choices=HostSide.choices, required=False)

    DEFAULTS: dict[str, Any] = {
        "time_zone": "Asia/Seoul",
        "daily_start": dt.time(9, 0),
        "daily_end": dt.time(18, 0),
        "breaks": "12:00-13:00",
        "meeting_minutes": 30,
        "gap_minutes": 0,
        "request_quota": 30,
    }

    @classmethod
    def initial_for(cls, event: Event | None) -> dict[str, Any]:
        if event is None:
            return dict(cls.DEFAULTS)
        zone = event.zone
        return {
            "name": event.name,
            "venue": event.venue,
            "time_zone": event.time_zone,
            "days": format_days(list(event.days.values_list("day", flat=True))),
            "daily_start": event.daily_start,
            "daily_end": event.daily_end,
            "breaks": format_breaks(event.breaks),
            "meeting_minutes": event.meeting_minutes,
            "gap_minutes": event.gap_minutes,
            "participation_deadline": wall_clock(event.participation_deadline, zone),
            "request_deadline": wall_clock(event.request_deadline, zone),
            "request_quota": event.request_quota,
            "default_daily_cap": event.default_daily_cap,
            "tables": event.tables,
            "host_side": event.host_side,
        }

    def clean_days(self) -> list[dt.date]:
        return parse_days(self.cleaned_data["days"])

    def clean_breaks(self) -> list[tuple[dt.time, dt.time]]:
        try:
            return parse_breaks(self.cleaned_data["breaks"])
        except ValueError as error:
            raise ValidationError(
                _('Cannot read the break "%(part)s". Write it like 12:00-13:00.'),
                params={"part": str(error)},
            ) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            zone = ZoneInfo(data.get("time_zone") or "Asia/Seoul")
        except (ZoneInfoNotFoundError, ValueError):
            return data
        for name in ("participation_deadline", "request_deadline"):
            if data.get(name) is not None:
                data[name] = data[name].replace(tzinfo=zone)
        return data

    def settings(self) -> EventSettings:
        data = self.cleaned_data
        return EventSettings(
            name=data["name"],
            venue=data.get("venue") or "",
            time_zone=data["time_zone"],
            days=data["days"],
            daily_start=data["daily_start"],
            daily_end=data["daily_end"],
            breaks=data["breaks"],
            meeting_minutes=data["meeting_minutes"],
            gap_minutes=data["gap_minutes"],
            participation_deadline=data["participation_deadline"],
            request_deadline=data["request_deadline"],
            request_quota=data["request_quota"],
            default_daily_cap=data.get("default_daily_cap"),
            tables=data.get("tables"),
            host_side=data.get("host_side") or HostSide.NONE,
        )

    def preview(self) -> list[console.DayPreview] | None:
        """The slots per day these settings give, from the fields read so far (None: not yet)."""
        if not self.is_bound:
            return EventForm(data=self.initial).preview()
        self.is_valid()
        data = self.cleaned_data
        names = ("days", "daily_start", "daily_end", "breaks", "meeting_minutes", "gap_minutes")
        if any(name not in data for name in names):
            return None
        return console.slot_preview(
            days=data["days"],
            daily_start=data["daily_start"],
            daily_end=data["daily_end"],
            breaks=data["breaks"],
            meeting_minutes=data["meeting_minutes"],
            gap_minutes=data["gap_minutes"],
        )


# ------------------------------------------------------------------------------ participants


def _choices(pairs: list[tuple[str, Any]], everyone: Any) -> list[tuple[str, Any]]:
    return [("", everyone), *pairs]


class ParticipantFilterForm(forms.Form):
    side = forms.ChoiceField(label=_("Side"), required=False)
    approval = forms.ChoiceField(label=_("Approval"), required=False)
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None
    )
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    q = forms.CharField(label=_("Company name or ID"), required=False, max_length=100)
    fewer_than = forms.IntegerField(
        label=_("Meetings fewer than"), required=False, min_value=1, max_value=1000
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["side"].choices = _choices(Side.choices, _("All sides"))
        fields["approval"].choices = _choices(Approval.choices, _("Any approval"))
        fields["category"].choices = _choices(
            [(str(c.pk), c.name) for c in console.categories(event)], _("All categories")
        )
        fields["industry"].choices = _choices(
            [(i, i) for i in console.industries(event)], _("All industries")
        )

    def filters(self) -> console.ParticipantFilter:
        if not self.is_valid():
            return console.ParticipantFilter()
        data = self.cleaned_data
        return console.ParticipantFilter(
            side=data.get("side") or "",
            approval=data.get("approval") or "",
            category_id=data.get("category"),
            industry=data.get("industry") or "",
            search=(data.get("q") or "").strip(),
            fewer_meetings_than=data.get("fewer_than"),
        )


class IdListField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        try:
            return [int(v) for v in value or []]
        except (TypeError, ValueError) as error:
            raise ValidationError(
                _("Choose participants from the list."), code="invalid"
            ) from error


class BulkAction(forms.Form):
    APPROVE = "approve"
    REJECT = "reject"
    INVITE = "invite"

    action = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject")), (INVITE, _("Send invitations"))]
    )
    ids = IdListField(required=False)
    query = forms.CharField(required=False, max_length=2000)
    # Set when the action was taken on one participant's own page, to return there.
    back_to = forms.IntegerField(required=False)

    def clean_ids(self) -> list[int]:
        ids: list[int] = self.cleaned_data["ids"]
        if not ids:
            raise ValidationError(_("Tick at least one participant first."))
        return ids


class ParticipantForm(ServiceErrorsMixin, forms.Form):
    """The organizer's form for one participant: who it is, its company, its terms."""

    side = forms.ChoiceField(
        label=_("Side"),
        choices=Side.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    code = forms.CharField(
        label=_("Participant ID"),
        max_length=64,
        help_text=_("The ID in imports and exports, e.g. B001."),
    )
    login_id = forms.CharField(
        label=_("Login ID"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to use the event number and the participant ID."),
    )
    approval = forms.ChoiceField(label=_("Approval"), choices=Approval.choices)
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    company_name_en = forms.CharField(
        label=_("Company name (English)"), max_length=200, required=False
    )
    country = forms.CharField(label=_("Country"), max_length=100, required=False)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    categories = forms.CharField(
        label=_("Categories"),
        max_length=1000,
        required=False,
        help_text=_("Separate categories with commas."),
    )
    buyer_type = forms.ChoiceField(
        label=_("Buyer type"), choices=_choices(BuyerType.choices, "—"), required=False
    )
    company_form = forms.ChoiceField(
        label=_("Company form"), choices=_choices(CompanyForm.choices, "—"), required=False
    )
    company_form_other = forms.CharField(
        label=_("Company form (other)"), max_length=100, required=False
    )
    crm_number = forms.CharField(label=_("CRM registration number"), max_length=50, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Company introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_title = forms.CharField(label=_("Title"), max_length=100, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    daily_cap = forms.IntegerField(
        label=_("Daily meeting cap"),
        min_value=1,
        required=False,
        help_text=_("Leave empty to use the event's cap."),
    )
    booth = forms.CharField(
        label=_("Booth / table"),
        max_length=20,
        required=False,
        help_text=_("The company's own table when its side hosts at fixed tables."),
    )
    participation_deadline = WallClockField(
        label=_("Participation-info deadline"),
        required=False,
        help_text=_("Leave empty to use the event's deadline."),
    )
    request_deadline = WallClockField(
        label=_("Meeting-request deadline"),
        required=False,
        help_text=_("Leave empty to use the event's deadline."),
    )

    INFO_FIELDS = services.INFO_FIELDS

    def __init__(
        self, *args: Any, event: Event, person: Participant | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zone = event.zone
        if person is not None:
            for name in ("side", "code", "login_id", "approval"):
                del self.fields[name]

    @classmethod
    def initial_for(cls, event: Event, person: Participant | None) -> dict[str, Any]:
        if person is None:
            return {"side": Side.BUYER, "approval": Approval.APPROVED}
        initial: dict[str, Any] = {name: getattr(person, name) for name in cls.INFO_FIELDS}
        initial.update(
            categories=", ".join(c.name for c in person.categories.all()),
            daily_cap=person.daily_cap,
            booth=person.booth,
            participation_deadline=wall_clock(person.participation_deadline, event.zone),
            request_deadline=wall_clock(person.request_deadline, event.zone),
        )
        return initial

    def info(self) -> ParticipationInfo:
        data = self.cleaned_data
        values = {name: data.get(name) or "" for name in self.INFO_FIELDS}
        names = [c.strip() for c in (data.get("categories") or "").split(",")]
        return ParticipationInfo(**values, categories=[n for n in names if n])

    def terms(self) -> ParticipantTerms:
        data = self.cleaned_data

        def zoned(value: dt.datetime | None) -> dt.datetime | None:
            return None if value is None else value.replace(tzinfo=self.zone)

        return ParticipantTerms(
            daily_cap=data.get("daily_cap"),
            booth=data.get("booth") or "",
            participation_deadline=zoned(data.get("participation_deadline")),
            request_deadline=zoned(data.get("request_deadline")),
        )


# -------------------------------------------------------------------------------- scheduling


class SchedulingForm(ServiceErrorsMixin, forms.Form):
    mode = forms.ChoiceField(
        label=_("Method"),
        choices=SchedulingMode.choices,
        initial=SchedulingMode.GREEDY,
        widget=forms.RadioSelect,
    )
    time_limit = forms.IntegerField(
        label=_("Time limit (seconds)"),
        min_value=1,
        max_value=3600,
        required=False,
        initial=60,
        help_text=_("Only for optimizing: it stops with the best schedule found by then."),
    )


class MeetingCountFilterForm(forms.Form):
    side = forms.ChoiceField(label=_("Side"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    at_most = forms.IntegerField(
        label=_("At most this many meetings"), required=False, min_value=0, max_value=1000
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["side"].choices = _choices(Side.choices, _("All sides"))
        fields["industry"].choices = _choices(
            [(i, i) for i in console.industries(event)], _("All industries")
        )

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "side": data.get("side") or "",
            "industry": data.get("industry") or "",
            "at_most": data.get("at_most"),
        }


class PairForm(forms.Form):
    """Choose a buyer and a seller for manual matching, optionally within one industry."""

    industry = forms.ChoiceField(label=_("Industry"), required=False)
    buyer = forms.TypedChoiceField(label=_("Buyer"), required=False, coerce=int, empty_value=None)
    seller = forms.TypedChoiceField(label=_("Seller"), required=False, coerce=int, empty_value=None)

    def __init__(
        self,
        *args: Any,
        event: Event,
        industry: str = "",
        keep: tuple[Participant | None, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["industry"].choices = _choices(
            [(i, i) for i in console.industries(event)], _("All industries")
        )
        # Choosing an industry narrows both lists at once.
        fields["industry"].widget.attrs["onchange"] = "this.form.requestSubmit()"
        for name, side, everyone in (
            ("buyer", Side.BUYER, _("Choose a buyer")),
            ("seller", Side.SELLER, _("Choose a seller")),
        ):
            listed = console.approved_choices(event, side, industry=industry)
            known = {pk for pk, _label in listed}
            # A company chosen before the industry filter changed stays choosable.
            for person in keep:
                if person is not None and person.side == side and person.pk not in known:
                    listed.insert(0, (person.pk, f"{person.company_name} ({person.code})"))
            fields[name].choices = _choices([(str(pk), label) for pk, label in listed], everyone)


class PlaceForm(forms.Form):
    buyer = forms.IntegerField()
    seller = forms.IntegerField()
    slot = forms.IntegerField()


class MoveForm(forms.Form):
    meeting = forms.IntegerField()
    slot = forms.IntegerField()


class RemoveForm(forms.Form):
    meeting = forms.IntegerField()
