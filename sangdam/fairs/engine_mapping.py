"""The one bridge between the fair's models and the pure scheduling engine.

``problem_for`` turns an event into an engine ``Problem`` (approved participants only; meetings
placed by hand become fixed meetings); ``save_schedule`` stores the engine's answer;
``import_instance`` creates an event from a schedule-v1 instance and ``current_schedule`` reads
the stored schedule back as a schedule-v1 result.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from sangdam.accounts.enums import ParticipantSide, Role
from sangdam.accounts.models import User
from sangdam.core.errors import InvalidInput
from sangdam.core.models import Organization
from sangdam.fairs.enums import Approval, HostSide, MeetingClass, Side
from sangdam.fairs.models import (
    Category,
    Event,
    EventDay,
    Meeting,
    MeetingRequest,
    Participant,
    SchedulingRun,
    Slot,
    Unavailability,
    WaitingPair,
)
from sangdam.fairs.services import default_login_id
from sangdam.scheduling import problem as engine
from sangdam.scheduling.format_v1 import dumps_result, stats_to_json
from sangdam.scheduling.pairs import derive_pairs
from sangdam.scheduling.schedule import Meeting as EngineMeeting
from sangdam.scheduling.schedule import Mode, Schedule, Stats
from sangdam.scheduling.schedule import WaitingPair as EngineWaiting
from sangdam.scheduling.schedule import WaitingReason as EngineReason
from sangdam.scheduling.solve import solve

# The engine's refusal of a stored event, for callers that must not import the engine.
InvalidProblem = engine.InvalidProblem


@dataclass(frozen=True)
class EventProblem:
    """An event as the engine sees it, with the way back from engine ids to rows."""

    problem: engine.Problem
    participant_pks: dict[str, int]
    slot_pks: list[int]


def problem_for(event: Event) -> EventProblem:
    """The engine's view of the event: approved participants, their live and closed requests,
    availability, caps, tables, and the meetings placed by hand as fixed meetings.

    :raises engine.InvalidProblem: the stored event breaks a rule of the format.
    """
    zone = event.zone
    slots = list(Slot.objects.filter(event=event).order_by("starts_at"))
    slot_index = {slot.pk: i for i, slot in enumerate(slots)}
    people = list(
        Participant.objects.filter(event=event, approval=Approval.APPROVED).order_by("code")
    )
    first_category: dict[int, str] = {}
    for participant_id, name in (
        Participant.categories.through.objects.filter(participant__event=event)
        .order_by("participant_id", "category__name")
        .values_list("participant_id", "category__name")
    ):
        first_category.setdefault(participant_id, name)
    off: dict[int, set[int]] = defaultdict(set)
    for participant_id, slot_id in Unavailability.objects.filter(
        participant__event=event
    ).values_list("participant_id", "slot_id"):
        off[participant_id].add(slot_index[slot_id])
    code_of = {p.pk: p.code for p in people}
    requests = [
        engine.MeetingRequest(
            id=r.engine_id,
            requester=code_of[r.requester_id],
            recipient=code_of[r.recipient_id],
            created_at=r.created_at,
            status=engine.RequestStatus(r.status),
            rank=r.rank,
        )
        for r in MeetingRequest.objects.filter(event=event).order_by("created_at", "id")
        if r.requester_id in code_of and r.recipient_id in code_of
    ]
    fixed = [
        engine.FixedMeeting(
            buyer=code_of[m.buyer_id], seller=code_of[m.seller_id], slot=slot_index[m.slot_id]
        )
        for m in Meeting.objects.filter(event=event, placed_by_hand=True)
        if m.buyer_id in code_of and m.seller_id in code_of
    ]
    problem = engine.Problem(
        slots=tuple(
            engine.Slot(
                id=s.code,
                day=s.day,
                start=s.starts_at.astimezone(zone).time(),
                end=s.ends_at.astimezone(zone).time(),
            )
            for s in slots
        ),
        participants=tuple(
            engine.Participant(
                id=p.code,
                side=engine.Side(p.side),
                daily_cap=p.daily_cap_for(event),
                unavailable=frozenset(off.get(p.pk, ())),
                category=first_category.get(p.pk),
            )
            for p in people
        ),
        requests=tuple(requests),
        fixed=tuple(fixed),
        tables=event.tables,
    )
    return EventProblem(
        problem=problem,
        participant_pks={p.code: p.pk for p in people},
        slot_pks=[s.pk for s in slots],
    )


def schedule_event(
    event: Event, *, mode: str, time_limit: int | None
) -> tuple[EventProblem, Schedule, dict[str, object]]:
    """Solve the event as it is stored; returns the mapping, the schedule and its JSON stats.

    :raises InvalidProblem: the stored event breaks a rule of the format.
    """
    mapped = problem_for(event)
    if mode == "optimize":
        schedule = solve(mapped.problem, mode="optimize", time_limit=float(time_limit or 60))
    else:
        schedule = solve(mapped.problem, mode="greedy")
    return mapped, schedule, stats_to_json(schedule.stats)


def save_schedule(event: Event, mapped: EventProblem, schedule: Schedule) -> None:
    """Replace the automatic meetings and the waiting list with the engine's schedule; meetings
    placed by hand stay as they are."""
    pk = mapped.participant_pks
    with transaction.atomic():
        Meeting.objects.filter(event=event, placed_by_hand=False).delete()
        WaitingPair.objects.filter(event=event).delete()
        tables = _table_numbers(event, mapped, schedule)
        Meeting.objects.bulk_create(
            Meeting(
                organization_id=event.organization_id,
                event=event,
                slot_id=mapped.slot_pks[m.slot],
                buyer_id=pk[m.buyer],
                seller_id=pk[m.seller],
                klass=m.pair_class,
                table_number=tables.get(i),
            )
            for i, m in enumerate(schedule.meetings)
            if not m.is_fixed
        )
        WaitingPair.objects.bulk_create(
            WaitingPair(
                organization_id=event.organization_id,
                event=event,
                buyer_id=pk[w.buyer],
                seller_id=pk[w.seller],
                klass=w.pair_class,
                reason=w.reason.value,
                position=position,
            )
            for position, w in enumerate(schedule.waiting)
        )


def _table_numbers(event: Event, mapped: EventProblem, schedule: Schedule) -> dict[int, int]:
    """Numbers for new meetings when tables are assigned per meeting: lowest free first."""
    if event.host_side != HostSide.NONE or event.tables is None:
        return {}
    used: dict[int, set[int]] = defaultdict(set)
    for slot_id, number in Meeting.objects.filter(event=event, placed_by_hand=True).values_list(
        "slot_id", "table_number"
    ):
        if number is not None:
            used[slot_id].add(number)
    numbers = {}
    for i, m in enumerate(schedule.meetings):
        if m.is_fixed:
            continue
        taken = used[mapped.slot_pks[m.slot]]
        number = next(n for n in range(1, event.tables + len(taken) + 2) if n not in taken)
        taken.add(number)
        numbers[i] = number
    return numbers


def current_schedule(event: Event) -> tuple[engine.Problem, Schedule]:
    """The stored schedule as the engine would have written it (the `fair export` result)."""
    mapped = problem_for(event)
    problem = mapped.problem
    code = {v: k for k, v in mapped.participant_pks.items()}
    slot_position = {slot_pk: i for i, slot_pk in enumerate(mapped.slot_pks)}
    pairs = {(p.buyer, p.seller): p for p in derive_pairs(problem)}
    placed = []
    by_class = [0, 0, 0, 0]
    for m in Meeting.objects.filter(event=event):
        if m.buyer_id not in code or m.seller_id not in code:
            continue
        buyer, seller = code[m.buyer_id], code[m.seller_id]
        pair = pairs.pop((buyer, seller), None)
        if m.placed_by_hand or pair is None:
            placed.append(EngineMeeting(buyer, seller, slot_position[m.slot_id], 0, ()))
            continue
        by_class[pair.pair_class] += 1
        placed.append(
            EngineMeeting(buyer, seller, slot_position[m.slot_id], pair.pair_class, pair.requests)
        )
    placed.sort(key=lambda m: (m.slot, m.buyer, m.seller))
    reasons = {
        (code.get(b), code.get(s)): (position, reason)
        for b, s, position, reason in WaitingPair.objects.filter(event=event).values_list(
            "buyer_id", "seller_id", "position", "reason"
        )
    }
    order = {key: i for i, key in enumerate(pairs)}
    waiting = [
        EngineWaiting(
            pair.buyer,
            pair.seller,
            pair.pair_class,
            pair.requests,
            EngineReason(reasons[key][1])
            if key in reasons
            else _reason(problem, pair.buyer, pair.seller),
        )
        for key, pair in sorted(
            pairs.items(),
            key=lambda item: (reasons.get(item[0], (len(order),))[0], order[item[0]]),
        )
    ]
    last = SchedulingRun.objects.filter(event=event, status="done").first()
    stats = Stats(
        meetings=len(placed),
        waiting=len(waiting),
        by_class=(by_class[1], by_class[2], by_class[3]),
        fixed=sum(1 for m in placed if m.is_fixed),
        idle_gaps=_idle_gaps(problem, placed),
        seconds=float(last.stats.get("seconds", 0.0)) if last else 0.0,
    )
    mode = Mode(last.mode) if last else Mode.GREEDY
    return problem, Schedule(mode=mode, meetings=tuple(placed), waiting=tuple(waiting), stats=stats)


def current_schedule_json(event: Event) -> str:
    """The stored schedule as a schedule-v1 result document."""
    problem, schedule = current_schedule(event)
    return dumps_result(problem, schedule)


def _reason(problem: engine.Problem, buyer: str, seller: str) -> EngineReason:
    people = {p.id: p for p in problem.participants}
    off = people[buyer].unavailable | people[seller].unavailable
    if len(off) >= len(problem.slots):
        return EngineReason.NO_COMMON_SLOT
    return EngineReason.TAKEN


def _idle_gaps(problem: engine.Problem, meetings: list[EngineMeeting]) -> int:
    position_in_day: dict[int, tuple[dt.date, int]] = {}
    seen: Counter[dt.date] = Counter()
    for i, slot in sorted(enumerate(problem.slots), key=lambda s: (s[1].day, s[1].start)):
        position_in_day[i] = (slot.day, seen[slot.day])
        seen[slot.day] += 1
    busy: dict[tuple[str, dt.date], list[int]] = defaultdict(list)
    for m in meetings:
        day, position = position_in_day[m.slot]
        busy[(m.buyer, day)].append(position)
        busy[(m.seller, day)].append(position)
    return sum(
        sum(1 for a, b in zip(sorted(p), sorted(p)[1:], strict=False) if b - a > 1)
        for p in busy.values()
    )


# ------------------------------------------------------------------------------------- importing


def import_instance(
    organization: Organization,
    problem: engine.Problem,
    *,
    name: str,
    time_zone: str = "Asia/Seoul",
    progress: Callable[[str], None] | None = None,
) -> Event:
    """Create an event from a schedule-v1 instance: slots, approved participants with their
    availability and caps, requests with status, time and rank, fixed meetings and tables.

    :raises InvalidInput: a participant's login ID is already taken in the organization.
    """
    say = progress or (lambda _text: None)
    with transaction.atomic():
        first = min(problem.slots, key=lambda s: (s.day, s.start))
        lengths = Counter(
            (dt.datetime.combine(s.day, s.end) - dt.datetime.combine(s.day, s.start)).seconds // 60
            for s in problem.slots
        )
        event = Event(
            organization=organization,
            name=name,
            time_zone=time_zone,
            daily_start=min(s.start for s in problem.slots),
            daily_end=max(s.end for s in problem.slots),
            meeting_minutes=lengths.most_common(1)[0][0],
            tables=problem.tables,
        )
        opens_at = dt.datetime.combine(first.day, first.start, tzinfo=event.zone)
        event.participation_deadline = opens_at - dt.timedelta(days=14)
        event.request_deadline = opens_at - dt.timedelta(days=7)
        event.save()
        zone = event.zone
        EventDay.objects.bulk_create(
            EventDay(organization=organization, event=event, day=day)
            for day in sorted({s.day for s in problem.slots})
        )
        slots = Slot.objects.bulk_create(
            Slot(
                organization=organization,
                event=event,
                code=s.id,
                day=s.day,
                starts_at=dt.datetime.combine(s.day, s.start, tzinfo=zone),
                ends_at=dt.datetime.combine(s.day, s.end, tzinfo=zone),
            )
            for s in problem.slots
        )
        say(f"{len(slots)} slots")
        people = _import_participants(organization, event, problem)
        say(f"{len(people)} participants")
        Unavailability.objects.bulk_create(
            Unavailability(organization=organization, participant=people[p.id], slot=slots[i])
            for p in problem.participants
            for i in sorted(p.unavailable)
        )
        MeetingRequest.objects.bulk_create(
            MeetingRequest(
                organization=organization,
                event=event,
                code=r.id,
                requester=people[r.requester],
                recipient=people[r.recipient],
                status=r.status.value,
                rank=r.rank,
                created_at=r.created_at,
            )
            for r in problem.requests
        )
        say(f"{len(problem.requests)} requests")
        per_slot: Counter[int] = Counter()
        fixed = []
        for f in problem.fixed:
            per_slot[f.slot] += 1
            fixed.append(
                Meeting(
                    organization=organization,
                    event=event,
                    slot=slots[f.slot],
                    buyer=people[f.buyer],
                    seller=people[f.seller],
                    klass=MeetingClass.BY_HAND,
                    placed_by_hand=True,
                    table_number=per_slot[f.slot] if problem.tables else None,
                )
            )
        Meeting.objects.bulk_create(fixed)
    return event


def _import_participants(
    organization: Organization, event: Event, problem: engine.Problem
) -> dict[str, Participant]:
    logins = {p.id: default_login_id(event, p.id) for p in problem.participants}
    taken = set(
        User.objects.filter(username__in=logins.values(), deleted_at__isnull=True).values_list(
            "username", flat=True
        )
    )
    clashes = sorted(pid for pid, login in logins.items() if login in taken)
    if len(set(logins.values())) != len(logins):
        counts = Counter(logins.values())
        clashes += sorted(pid for pid, login in logins.items() if counts[login] > 1)
    if clashes:
        raise InvalidInput.single(
            "participants", f"login IDs already taken for participants: {', '.join(clashes[:20])}"
        )
    users = User.objects.bulk_create(
        User(
            organization=organization,
            username=logins[p.id],
            name=p.id,
            role=Role.PARTICIPANT,
            participant_side=ParticipantSide.BUYER
            if p.side is engine.Side.BUYER
            else ParticipantSide.SELLER,
            password=make_password(None),  # unusable until the participant is invited
            time_zone=event.time_zone,
        )
        for p in problem.participants
    )
    people = Participant.objects.bulk_create(
        Participant(
            organization=organization,
            event=event,
            user=user,
            side=Side(p.side.value),
            code=p.id,
            approval=Approval.APPROVED,
            company_name=p.id,
            daily_cap=p.daily_cap,
        )
        for p, user in zip(problem.participants, users, strict=True)
    )
    by_code = {p.code: p for p in people}
    names = sorted({p.category for p in problem.participants if p.category})
    categories = {
        c.name: c
        for c in Category.objects.bulk_create(
            Category(organization=organization, event=event, name=n) for n in names
        )
    }
    Participant.categories.through.objects.bulk_create(
        Participant.categories.through(
            participant_id=by_code[p.id].pk, category_id=categories[p.category].pk
        )
        for p in problem.participants
        if p.category
    )
    return by_code
