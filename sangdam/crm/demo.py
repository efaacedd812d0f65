"""The demo contact center of organization ``demo``: residents of two apartment complexes and a
few months of consultations, with work waiting for ``agent1`` and ``agent2`` today.

A three-level consultation type tree, 300 residents of "래미안 센트럴" and "푸르지오 더 퍼스트"
(some VIP, some to be treated with caution, some without SMS, move-in dates some undecided), and
tickets in every state: completed ones over the last three months, open ones in every queue
(received, transferred both ways between the two agents, callbacks, overdue ones), recalls due
today and in the coming days, temp-saved drafts and discarded tickets, each with the history the
ticket actions would have written. ``demo2`` gets a handful of customers of its own, so that
tenant isolation can be seen.

Loading again replaces the CRM records of both demo organizations in one transaction, so the
dates follow the day it is loaded ("today" stays today). The data comes from a fixed seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.crm.enums import (
    CallResult,
    ConsultationResult,
    Direction,
    InflowChannel,
    TicketEventKind,
    TicketStatus,
)
from sangdam.crm.models import (
    ConsultationType,
    Customer,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketNote,
)
from sangdam.crm.tickets import local_time_label

SEOUL = ZoneInfo("Asia/Seoul")
SEED = 20260501
CUSTOMERS = 300
DEMO2_CUSTOMERS = 8
# Completed tickets over the last HISTORY_DAYS days, about this many a working day.
HISTORY_DAYS = 90
PER_DAY = 8

# (name, code, children); codes ("10 시설/하자") on the top level only; a type without
# children is a leaf.
TypeSpec = tuple[str, str, tuple[Any, ...]]
TYPES: tuple[TypeSpec, ...] = (
    (
        "시설/하자",
        "10",
        (
            ("누수", "", (("욕실", "", ()), ("주방", "", ()), ("베란다", "", ()))),
            ("전기", "", (("조명", "", ()), ("차단기/콘센트", "", ()))),
            ("창호/방충망", "", ()),
        ),
    ),
    (
        "입주/이사",
        "20",
        (
            ("입주일정", "", (("사전점검", "", ()), ("입주예약", "", ()))),
            ("이사", "", (("엘리베이터 예약", "", ()),)),
        ),
    ),
    (
        "관리비",
        "30",
        (
            ("고지서 문의", "", ()),
            ("납부/환불", "", (("자동이체", "", ()),)),
        ),
    ),
    (
        "민원",
        "40",
        (
            ("소음", "", (("층간소음", "", ()),)),
            ("주차", "", (("방문차량 등록", "", ()), ("불법주차", "", ()))),
        ),
    ),
    ("기타", "90", ()),
)

# What a resident calls about, per leaf type: (title, consultation content, added consultation).
STORIES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "욕실": (
        (
            "욕실 천장 누수",
            "안방 욕실 천장 점검구 주변으로 물이 떨어진다고 하심. 윗집 배관 문제로 보임. "
            "시설팀 방문 점검 일정 안내함.",
            "시설팀 방문 결과 윗집 세면대 배수관 이음부 누수 확인. 윗집 세대에 수리 요청함.",
        ),
        (
            "욕실 바닥 배수 불량",
            "공용 욕실 바닥 배수구에서 물이 잘 안 빠지고 냄새가 올라온다고 하심. "
            "트랩 청소 방법 안내, 개선 없으면 재연락 요청.",
            "고객 재연락: 청소 후에도 동일. 배관 업체 방문 예약함.",
        ),
    ),
    "주방": (
        (
            "싱크대 하부 누수",
            "싱크대 하부장 바닥이 젖어 있다고 하심. 급수 밸브 잠그도록 안내하고 하자보수 접수함.",
            "하자보수팀 확인: 배수 호스 연결부 느슨함, 현장 조치 완료.",
        ),
        (
            "주방 벽면 곰팡이",
            "주방 벽면 아래쪽에 곰팡이와 물 자국. 벽체 내부 배관 누수 의심되어 점검 요청.",
            "누수 탐지 결과 이상 없음. 결로로 판단되어 환기 안내함.",
        ),
    ),
    "베란다": (
        (
            "베란다 창틀 빗물 유입",
            "비 올 때 거실 베란다 창틀로 빗물이 들어온다고 하심. 코킹 보수 접수.",
            "외벽 코킹 작업은 다음 주 화요일 예정으로 안내함.",
        ),
    ),
    "조명": (
        (
            "현관 센서등 고장",
            "현관 센서등이 켜지지 않음. 전구 교체해도 동일하다고 하심. 관리사무소 전기 "
            "담당 방문 안내.",
            "센서 불량으로 교체 완료.",
        ),
    ),
    "차단기/콘센트": (
        (
            "누전 차단기 반복 작동",
            "세탁기 사용 시 누전 차단기가 자꾸 내려간다고 하심. 사용 중지 안내 후 전기 점검 접수.",
            "세탁기 전원 코드 피복 손상 확인, 제조사 A/S 안내함.",
        ),
    ),
    "창호/방충망": (
        (
            "방충망 교체 문의",
            "작은방 방충망이 찢어져 교체 가능 여부와 비용 문의. 하자 기간 경과로 유상 교체 안내.",
            "업체 견적 전달함. 고객 검토 후 연락 주시기로 함.",
        ),
    ),
    "사전점검": (
        (
            "사전점검 일정 문의",
            "입주 사전점검 일정과 준비물 문의. 이번 달 말 토·일 사전점검 예정, 신분증과 "
            "계약서 사본 지참 안내.",
            "사전점검 방문 시간 오전 10시로 예약 확인.",
        ),
    ),
    "입주예약": (
        (
            "입주 예약 변경",
            "입주 예약일을 다음 주로 변경 요청. 이사 차량 시간대 확인 후 변경 처리.",
            "변경된 입주일 문자로 안내 완료.",
        ),
        (
            "입주일 미정 세대 안내",
            "입주일이 아직 정해지지 않았다고 하심. 입주 지정기간과 관리비 부과 시작일 안내.",
            "입주일 확정 시 재연락 주시기로 함.",
        ),
    ),
    "엘리베이터 예약": (
        (
            "이사 엘리베이터 사용 예약",
            "토요일 오전 이사 예정, 엘리베이터 사용 예약 요청. 보호재 설치 및 사용료 안내.",
            "예약 확정, 당일 경비실에 키 수령 안내.",
        ),
    ),
    "고지서 문의": (
        (
            "관리비 고지서 금액 문의",
            "이번 달 관리비가 지난달보다 많이 나왔다고 문의. 난방비 증가분 설명함.",
            "세대별 검침 내역 문자로 발송함.",
        ),
        (
            "고지서 미수령",
            "관리비 고지서를 받지 못했다고 하심. 전자 고지서 신청 방법 안내.",
            "전자 고지서 신청 완료 확인.",
        ),
    ),
    "자동이체": (
        (
            "관리비 자동이체 신청",
            "관리비 자동이체 신청 방법 문의. 신청서 양식과 제출처 안내.",
            "신청서 접수 완료, 다음 달부터 적용 안내.",
        ),
    ),
    "층간소음": (
        (
            "층간소음 민원",
            "밤 11시 이후 윗집에서 발소리와 가구 끄는 소리가 난다고 민원. 해당 세대에 "
            "안내문 전달 예정.",
            "윗집 세대 방문하여 안내문 전달, 주의하겠다고 함.",
        ),
        (
            "반려견 소음",
            "옆 세대 반려견이 낮 시간 내내 짖는다고 하심. 관리규약 안내 및 해당 세대 통보.",
            "해당 세대 통화: 훈련사 상담 예정이라고 함. 민원인에게 결과 안내.",
        ),
    ),
    "방문차량 등록": (
        (
            "방문차량 사전등록",
            "주말 방문 예정 차량 사전등록 요청. 차량번호 접수하고 등록 기간 안내.",
            "방문차량 등록 완료 문자 발송.",
        ),
    ),
    "불법주차": (
        (
            "지정주차 구역 불법주차",
            "장애인 주차구역에 미등록 차량 장기 주차. 경비실에 확인 요청함.",
            "경고 스티커 부착, 차주에게 이동 요청 완료.",
        ),
    ),
    "기타": (
        (
            "분실물 문의",
            "놀이터에서 아이 킥보드를 잃어버렸다고 문의. 관리사무소 분실물 보관함 확인 안내.",
            "분실물 보관함에서 찾아 고객에게 전달함.",
        ),
        (
            "커뮤니티센터 이용 문의",
            "피트니스센터 이용 시간과 등록 방법 문의. 운영 시간 06~22시, 관리사무소 등록 안내.",
            "등록 완료 안내함.",
        ),
    ),
}

# Korean surnames weighted roughly by their share of the population (통계청).
SURNAMES = (
    ("김", 215),
    ("이", 147),
    ("박", 84),
    ("최", 47),
    ("정", 43),
    ("강", 24),
    ("조", 21),
    ("윤", 21),
    ("장", 20),
    ("임", 17),
    ("한", 15),
    ("오", 15),
    ("서", 15),
    ("신", 15),
    ("권", 14),
    ("황", 14),
    ("안", 14),
    ("송", 13),
    ("류", 12),
    ("전", 11),
    ("홍", 11),
    ("고", 9),
    ("문", 9),
    ("양", 9),
    ("손", 9),
    ("배", 8),
    ("백", 8),
    ("허", 6),
    ("유", 6),
    ("남", 5),
)
GIVEN_FIRST = "민서지수영현준도하예유은성동재정상윤채승혜주경태진우미소다"
GIVEN_SECOND = "준연우호서아진민훈희수영현원빈윤석철숙자은지혁하율"

APARTMENTS = (
    ("래미안 센트럴", "서울특별시 서초구 반포대로 201"),
    ("푸르지오 더 퍼스트", "경기도 성남시 분당구 판교역로 152"),
)
BLOCKS = tuple(f"{n}동" for n in range(101, 111))
FLOORS = 25
LINES = 4

DISCARD_REASONS = (
    "중복 접수 (같은 내용으로 이미 접수됨)",
    "오접수: 다른 단지 고객의 전화",
    "고객 요청으로 접수 취소",
)


def korean_names(rng: random.Random, count: int) -> list[str]:
    """``count`` plausible Korean names (surname + two syllables), common surnames most often."""
    surnames = [s for s, _weight in SURNAMES]
    weights = [w for _s, w in SURNAMES]
    return [
        surname + rng.choice(GIVEN_FIRST) + rng.choice(GIVEN_SECOND)
        for surname in rng.choices(surnames, weights, k=count)
    ]


# --------------------------------------------------------------------------------- the loader


@transaction.atomic
def load_demo(out: Any) -> None:
    demo = Organization.objects.filter(service_name="demo").first()
    users = {
        user.username: user
        for user in User.all_objects.filter(
            organization=demo, username__in=["admin", "agent1", "agent2"], deleted_at__isnull=True
        )
    }
    if demo is None or len(users) != 3:
        out.write("Demo CRM skipped: the demo organization or its accounts are missing.")
        return
    # Stored history texts are written as an agent of the demo would see them.
    with translation.override("ko"), timezone.override(SEOUL):
        _clear(demo)
        built = _Demo(demo, users, timezone.now()).build()
        demo2 = Organization.objects.filter(service_name="demo2").first()
        if demo2 is not None:
            _clear(demo2)
            _demo2(demo2)
    out.write(
        f"Demo CRM: {CUSTOMERS} customers, {len(built)} tickets"
        f" ({sum(t.is_open for t in built)} open) in demo;"
        f" {DEMO2_CUSTOMERS if demo2 else 0} customers in demo2."
    )


def _clear(organization: Organization) -> None:
    """The organization's CRM records, gone: the demo replaces them on every load."""
    TicketEvent.all_objects.filter(organization=organization).delete()
    TicketNote.all_objects.filter(organization=organization).delete()
    tickets = Ticket.all_objects.filter(organization=organization)
    tickets.exclude(follows=None).update(follows=None)
    tickets.delete()
    Customer.all_objects.filter(organization=organization).delete()
    for level in (3, 2, 1):
        ConsultationType.all_objects.filter(organization=organization, level=level).delete()
    TicketCounter.all_objects.filter(organization=organization).delete()


def create_types(organization: Organization) -> dict[str, ConsultationType]:
    """The type tree, created level by level; returns every type by name."""
    made: dict[str, ConsultationType] = {}
    level: list[tuple[ConsultationType | None, tuple[TypeSpec, ...]]] = [(None, TYPES)]
    depth = 1
    while level:
        rows, below = [], []
        for parent, specs in level:
            for order, (name, code, children) in enumerate(specs, start=1):
                kind = ConsultationType(
                    organization=organization,
                    parent=parent,
                    level=depth,
                    name=name,
                    code=code,
                    sort_order=order,
                )
                rows.append(kind)
                below.append((kind, children))
        ConsultationType.all_objects.bulk_create(rows)
        made.update((kind.name, kind) for kind in rows)
        level = [(kind, children) for kind, children in below if children]
        depth += 1
    return made


def _demo2(organization: Organization) -> None:
    ConsultationType.all_objects.bulk_create(
        [
            ConsultationType(organization=organization, level=1, name=name, sort_order=order)
            for order, name in enumerate(("일반 문의", "불편 신고"), start=1)
        ]
    )
    rng = random.Random(SEED + 2)  # noqa: S311 -- reproducible demo data, not secrets
    names = korean_names(rng, DEMO2_CUSTOMERS)
    Customer.all_objects.bulk_create(
        [
            Customer(
                organization=organization,
                name=name,
                mobile=f"0106{100 + i:03d}{rng.randrange(10000):04d}",
                apartment="자이 리버뷰",
                address="부산광역시 해운대구 센텀중앙로 90",
                block=f"{201 + i % 3}동",
                unit=f"{rng.randrange(1, 16)}0{rng.randrange(1, 5)}호",
                move_in_date=dt.date(2023, 3, 1) + dt.timedelta(days=rng.randrange(600)),
            )
            for i, name in enumerate(names)
        ]
    )


# ------------------------------------------------------------------------------- the tickets


@dataclass
class _Event:
    kind: TicketEventKind
    actor: User
    at: dt.datetime
    # Some texts name the ticket's number, known only once every ticket is numbered.
    detail: str | Callable[[], str] = ""


@dataclass
class _Planned:
    ticket: Ticket
    events: list[_Event] = field(default_factory=list)
    notes: list[tuple[User, dt.datetime, str]] = field(default_factory=list)
    follows: _Planned | None = None


class _Demo:
    """Plans the demo's tickets as the ticket actions would leave them, then stores them."""

    def __init__(self, organization: Organization, users: dict[str, User], now: dt.datetime):
        self.organization = organization
        self.admin = users["admin"]
        self.agent1 = users["agent1"]
        self.agent2 = users["agent2"]
        self.now = now
        self.today = now.astimezone(SEOUL).date()
        self.rng = random.Random(SEED)  # noqa: S311 -- reproducible demo data, not secrets
        self.planned: list[_Planned] = []

    # -- times

    def day_at(self, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        """A moment ``days_ago`` days back in Seoul, never later than now.

        Today's office hours that have not come yet (the demo loaded early in the morning) are
        spread over the hours gone so far, in the same order.
        """
        day = self.today - dt.timedelta(days=days_ago)
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SEOUL)
        if days_ago == 0 and moment >= self.now:
            share = (hour * 60 + minute - 8 * 60) / (11 * 60)
            moment = self.earlier_today(min(max(share, 0.05), 0.95))
        return min(moment, self.past(self.now))

    def earlier_today(self, fraction: float) -> dt.datetime:
        """A moment today before now: ``fraction`` of the way from midnight to now."""
        midnight = dt.datetime.combine(self.today, dt.time.min, tzinfo=SEOUL)
        return midnight + (self.now - midnight) * fraction

    def later_today(self, fraction: float) -> dt.datetime:
        """A moment today after now: ``fraction`` of the way from now to midnight."""
        tomorrow = dt.datetime.combine(self.today + dt.timedelta(days=1), dt.time.min, tzinfo=SEOUL)
        return self.now + (tomorrow - self.now) * fraction

    def past(self, moment: dt.datetime) -> dt.datetime:
        """``moment``, or just before now if that is later (but still today)."""
        midnight = dt.datetime.combine(self.today, dt.time.min, tzinfo=SEOUL)
        return min(moment, max(self.now - dt.timedelta(minutes=1), midnight))

    def office_hours(self, days_ago: int) -> dt.datetime:
        return self.day_at(days_ago, self.rng.randrange(9, 18), self.rng.randrange(60))

    # -- the building blocks: what each ticket action leaves behind

    def receive(
        self,
        by: User,
        at: dt.datetime,
        *,
        customer: Customer | None = None,
        leaf: str | None = None,
        channel: str = InflowChannel.CALL,
        draft: bool = False,
        due_at: dt.datetime | None = None,
        caller: tuple[str, str] | None = None,
    ) -> _Planned:
        """F4 (or F12 for a draft): a new ticket by ``by`` at ``at``."""
        leaf = leaf or self.rng.choice(self.leaf_names)
        title, content, _note = self.rng.choice(STORIES[leaf])
        if customer is not None:
            name, phone = customer.name, customer.mobile or customer.phone
        else:
            name, phone = caller or ("", "")
        ticket = Ticket(
            organization=self.organization,
            number=0,
            received_at=at,
            customer=customer,
            customer_name=name,
            customer_phone=phone,
            consultation_type=self.types[leaf],
            channel=channel,
            direction=Direction.OUTBOUND
            if channel == InflowChannel.CALLBACK
            else Direction.INBOUND,
            call_result=CallResult.CONNECTED if not draft else "",
            consultation_result=ConsultationResult.PENDING if not draft else "",
            title=title,
            content=content,
            due_at=due_at,
            status=TicketStatus.RECEIVED,
            is_draft=draft,
            created_at=at,
            created_by=by,
            updated_at=at,
            updated_by=by,
            version=1,
        )
        planned = _Planned(ticket)
        if draft:
            planned.events.append(_Event(TicketEventKind.TEMP_SAVED, by, at))
        else:
            planned.events.append(
                _Event(
                    TicketEventKind.RECEIVED,
                    by,
                    at,
                    lambda: (
                        _("Ticket number: %(number)s, received at: %(time)s")
                        % {
                            "number": ticket.number_label,
                            "time": local_time_label(ticket.received_at),
                        }
                    ),
                )
            )
        self.planned.append(planned)
        return planned

    def touch(self, planned: _Planned, by: User, at: dt.datetime) -> None:
        planned.ticket.updated_at = at
        planned.ticket.updated_by = by

    def transfer(self, planned: _Planned, by: User, to: User, at: dt.datetime) -> None:
        ticket = planned.ticket
        ticket.status = TicketStatus.TRANSFERRED
        ticket.assignee = to
        ticket.transferred_by = by
        ticket.transferred_at = at
        self.touch(planned, by, at)
        planned.events.append(
            _Event(
                TicketEventKind.TRANSFERRED,
                by,
                at,
                _("Transferred to %(name)s") % {"name": to.actor_label},
            )
        )

    def complete(self, planned: _Planned, by: User, at: dt.datetime) -> None:
        ticket = planned.ticket
        ticket.status = TicketStatus.COMPLETED
        complaint = ticket.consultation_type_id in self.complaints
        ticket.consultation_result = (
            ConsultationResult.COMPLAINT if complaint else ConsultationResult.NORMAL
        )
        ticket.completed_at = at
        ticket.completed_by = by
        self.touch(planned, by, at)
        planned.events.append(_Event(TicketEventKind.COMPLETED, by, at))

    def add_note(self, planned: _Planned, by: User, at: dt.datetime, text: str = "") -> None:
        leaf = planned.ticket.consultation_type.name if planned.ticket.consultation_type else ""
        stories = STORIES.get(leaf) or STORIES["기타"]
        text = text or next(
            (note for title, _c, note in stories if title == planned.ticket.title),
            stories[0][2],
        )
        planned.notes.append((by, at, text))
        self.touch(planned, by, at)
        planned.events.append(_Event(TicketEventKind.CONSULTATION_ADDED, by, at, text[:100]))

    def recall(self, planned: _Planned, at: dt.datetime, *, done_by: User | None = None) -> None:
        planned.ticket.recall_at = at
        if done_by is not None:
            done = self.past(at + dt.timedelta(minutes=self.rng.randrange(1, 40)))
            planned.ticket.recall_done_at = done
            self.touch(planned, done_by, done)
            planned.events.append(_Event(TicketEventKind.RECALL_DONE, done_by, done))

    def discard(self, planned: _Planned, by: User, at: dt.datetime, reason: str) -> None:
        planned.ticket.discarded_at = at
        planned.ticket.discard_reason = reason
        self.touch(planned, by, at)
        planned.events.append(_Event(TicketEventKind.DISCARDED, by, at, reason))

    def follow_up(self, original: _Planned, by: User, at: dt.datetime) -> _Planned:
        """F8 추가접수: a new ticket continuing ``original``, noted in the original's history."""
        ticket = original.ticket
        planned = self.receive(
            by,
            at,
            customer=ticket.customer,
            leaf=ticket.consultation_type.name if ticket.consultation_type else None,
        )
        planned.follows = original
        original.events.append(
            _Event(
                TicketEventKind.FOLLOW_UP,
                by,
                at,
                lambda: _("Follow-up ticket %(number)s") % {"number": planned.ticket.number_label},
            )
        )
        return planned

    # -- the demo

    def build(self) -> list[Ticket]:
        self.types = create_types(self.organization)
        by_pk = {kind.pk: kind for kind in self.types.values()}
        self.complaints = set()
        for kind in self.types.values():
            top = kind
            while top.parent_id is not None:
                top = by_pk[top.parent_id]
            if top.name == "민원":
                self.complaints.add(kind.pk)
        self.leaf_names = [name for name in STORIES if name in self.types]
        self.customers = self._customers()
        self._history()
        self._open_work()
        return self._store()

    def _customers(self) -> list[Customer]:
        rng = self.rng
        names = korean_names(rng, CUSTOMERS)
        # Well-known residents for a tour of the demo come first.
        names[:3] = ["홍길동", "김민준", "이서연"]
        mobiles = rng.sample(range(9_000_000), CUSTOMERS)
        homes = rng.sample(
            [
                (apartment, block, f"{floor}{line:02d}호")
                for apartment in range(len(APARTMENTS))
                for block in BLOCKS
                for floor in range(1, FLOORS + 1)
                for line in range(1, LINES + 1)
            ],
            CUSTOMERS,
        )
        customers = []
        for i, (name, number, (apartment, block, unit)) in enumerate(
            zip(names, mobiles, homes, strict=True)
        ):
            roll = rng.random()
            if roll < 0.1:
                move_in: dt.date | None = None
            elif roll < 0.2:
                move_in = self.today + dt.timedelta(days=rng.randrange(3, 60))
            else:
                move_in = self.today - dt.timedelta(days=rng.randrange(30, 1100))
            vip = i == 0 or rng.random() < 0.05
            caution = i == 1 or rng.random() < 0.04
            customers.append(
                Customer(
                    organization=self.organization,
                    customer_code=f"RC{20240001 + i}",
                    name=name,
                    mobile=f"0105{number:07d}",
                    phone=f"02{rng.randrange(5300, 5400)}{rng.randrange(10000):04d}"
                    if rng.random() < 0.15
                    else "",
                    address=APARTMENTS[apartment][1],
                    apartment=APARTMENTS[apartment][0],
                    block=block,
                    unit=unit,
                    move_in_date=move_in,
                    sms_opt_out=rng.random() < 0.08,
                    is_vip=vip,
                    needs_caution=caution,
                    member_grade="동대표" if vip else "",
                    memo="고성 민원 이력 있음. 응대 시 녹취 안내." if caution else "",
                    created_by=self.admin,
                )
            )
        return Customer.all_objects.bulk_create(customers)

    def _history(self) -> None:
        """Completed tickets of the past months; some transferred first, some with more
        consultations, some recalls done, a few follow-ups."""
        rng = self.rng
        agents = [self.agent1, self.agent2, self.agent1, self.agent2, self.admin]
        for days_ago in range(HISTORY_DAYS, 0, -1):
            day = self.today - dt.timedelta(days=days_ago)
            per_day = PER_DAY if day.weekday() < 5 else PER_DAY // 3
            for _n in range(rng.randrange(per_day - 2, per_day + 3)):
                by = rng.choice(agents)
                at = self.office_hours(days_ago)
                channel = rng.choices(
                    [InflowChannel.CALL, InflowChannel.QNA, InflowChannel.SMS, InflowChannel.VISIT],
                    [80, 8, 6, 6],
                )[0]
                planned = self.receive(by, at, customer=rng.choice(self.customers), channel=channel)
                done_at = self.past(at + dt.timedelta(minutes=rng.randrange(2, 20)))
                roll = rng.random()
                if roll < 0.12:
                    other = self.agent2 if by != self.agent2 else self.agent1
                    self.transfer(planned, by, other, done_at)
                    later = self.past(done_at + dt.timedelta(hours=rng.randrange(1, 30)))
                    self.add_note(planned, other, later)
                    self.complete(planned, other, self.past(later + dt.timedelta(minutes=5)))
                elif roll < 0.2:
                    later = self.past(done_at + dt.timedelta(hours=rng.randrange(2, 48)))
                    self.add_note(planned, by, later)
                    self.complete(planned, by, self.past(later + dt.timedelta(minutes=3)))
                elif roll < 0.24:
                    recall_at = self.past(done_at + dt.timedelta(hours=rng.randrange(2, 24)))
                    self.recall(planned, recall_at, done_by=by)
                    self.complete(planned, by, planned.ticket.updated_at)
                else:
                    self.complete(planned, by, done_at)
                if days_ago > 3 and rng.random() < 0.02:
                    follow = self.follow_up(planned, by, self.office_hours(days_ago - 2))
                    self.complete(follow, by, follow.ticket.received_at + dt.timedelta(minutes=7))

    def _open_work(self) -> None:
        """What agent1 and agent2 find waiting today, and the drafts and discarded tickets."""
        rng = self.rng
        a1, a2, admin = self.agent1, self.agent2, self.admin
        customer = iter(rng.sample(self.customers, 60))

        # 01 received, in the 미완료 list and the agents' own queues; two of them overdue.
        for by, days_ago, hour in ((a1, 0, 9), (a1, 0, 11), (a1, 1, 14), (a1, 2, 10)):
            self.receive(by, self.day_at(days_ago, hour, 20), customer=next(customer))
        for by, days_ago, hour in ((a2, 0, 10), (a2, 1, 16), (a2, 3, 9)):
            self.receive(by, self.day_at(days_ago, hour, 5), customer=next(customer))
        # Received 41 days ago and still open; and one past its due date.
        self.receive(a2, self.day_at(41, 15, 30), customer=next(customer), leaf="층간소음")
        self.receive(
            a1,
            self.day_at(2, 13, 40),
            customer=next(customer),
            leaf="욕실",
            due_at=self.day_at(1, 18),
        )
        # An unregistered caller.
        self.receive(a1, self.day_at(0, 10, 45), leaf="기타", caller=("박민호", "01098765432"))

        # 03 transferred both ways, so each agent has received and sent transfers.
        for by, to, days_ago in ((a1, a2, 0), (a1, a2, 1), (a1, a2, 5), (a1, a2, 0)):
            planned = self.receive(by, self.day_at(days_ago, 9, 40), customer=next(customer))
            self.transfer(planned, by, to, self.day_at(days_ago, 9, 52))
        for by, to, days_ago in ((a2, a1, 0), (a2, a1, 2), (a2, a1, 4)):
            planned = self.receive(by, self.day_at(days_ago, 14, 10), customer=next(customer))
            self.transfer(planned, by, to, self.day_at(days_ago, 14, 25))
        # One with a consultation added by the agent it went to.
        self.add_note(planned, a1, self.day_at(3, 11, 0))

        # Callbacks: requested by residents, handed to an agent by the administrator, or taken
        # by an agent directly.
        for to, days_ago in ((a1, 0), (a2, 0), (a1, 1)):
            planned = self.receive(
                admin,
                self.day_at(days_ago, 8, 30),
                customer=next(customer),
                channel=InflowChannel.CALLBACK,
            )
            self.transfer(planned, admin, to, self.day_at(days_ago, 8, 35))
        for by in (a1, a2):
            self.receive(
                by, self.day_at(0, 9, 5), customer=next(customer), channel=InflowChannel.CALLBACK
            )

        # Recalls: due later today, one already past today, and in the coming days.
        for by, fraction in ((a1, 0.3), (a1, 0.7), (a2, 0.5)):
            planned = self.receive(by, self.day_at(1, 15), customer=next(customer))
            self.recall(planned, self.later_today(fraction))
        planned = self.receive(a1, self.day_at(2, 11), customer=next(customer))
        self.complete(planned, a1, self.day_at(2, 11, 15))
        self.recall(planned, self.earlier_today(0.5))
        for by, days_ahead in ((a1, 1), (a2, 1), (a1, 3), (a2, 6)):
            planned = self.receive(by, self.day_at(0, 9, 30), customer=next(customer))
            self.recall(
                planned,
                dt.datetime.combine(
                    self.today + dt.timedelta(days=days_ahead), dt.time(10 + days_ahead), SEOUL
                ),
            )

        # Temp-saved drafts, not yet registered.
        for by, days_ago in ((a1, 0), (a1, 1), (a2, 0)):
            self.receive(by, self.day_at(days_ago, 16, 50), customer=next(customer), draft=True)

        # Discarded: a draft, a registered ticket and a wrong call, each with its reason.
        planned = self.receive(a1, self.day_at(3, 10), customer=next(customer), draft=True)
        self.discard(planned, a1, self.day_at(3, 10, 5), DISCARD_REASONS[0])
        planned = self.receive(a2, self.day_at(2, 15), customer=next(customer))
        self.discard(planned, a2, self.day_at(2, 15, 30), DISCARD_REASONS[2])
        planned = self.receive(a1, self.day_at(1, 9), leaf="기타", caller=("", "0317001234"))
        self.discard(planned, admin, self.day_at(1, 9, 30), DISCARD_REASONS[1])

    def _store(self) -> list[Ticket]:
        order = {id(planned): i for i, planned in enumerate(self.planned)}
        self.planned.sort(key=lambda p: (p.ticket.received_at, order[id(p)]))
        for number, planned in enumerate(self.planned, start=1):
            planned.ticket.number = number
        tickets = Ticket.all_objects.bulk_create([p.ticket for p in self.planned])
        follows = []
        for planned in self.planned:
            if planned.follows is not None:
                planned.ticket.follows = planned.follows.ticket
                follows.append(planned.ticket)
        Ticket.all_objects.bulk_update(follows, ["follows"])
        TicketCounter.all_objects.create(
            organization=self.organization, last_number=len(self.planned)
        )
        notes, events = [], []
        for planned in self.planned:
            ticket = planned.ticket
            for by, at, text in planned.notes:
                notes.append(
                    TicketNote(
                        organization=self.organization,
                        ticket=ticket,
                        content=text,
                        created_at=at,
                        created_by=by,
                        updated_at=at,
                    )
                )
            for event in sorted(planned.events, key=lambda e: e.at):
                detail = event.detail() if callable(event.detail) else event.detail
                events.append(
                    TicketEvent(
                        organization=self.organization,
                        ticket=ticket,
                        kind=event.kind,
                        detail=detail[:300],
                        actor=event.actor,
                        actor_label=event.actor.actor_label,
                        occurred_at=event.at,
                    )
                )
        TicketNote.all_objects.bulk_create(notes)
        TicketEvent.all_objects.bulk_create(events)
        return tickets
