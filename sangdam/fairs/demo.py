"""The demo fair of organization ``demo``: a two-day export fair (수출상담회) a few weeks ahead.

Forty foreign buyers at fixed booths and three hundred Korean sellers, requests in every state,
some switched-off times, and one greedy scheduling run whose result is not yet published, so the
organizer can look at it and publish it during a tour. The demo accounts ``buyer1`` and
``seller1`` (made by ``sangdam.accounts.demo``, which runs first) take part, with requests of
every kind to and from each other's side, while the request deadline is still open.

Loading again leaves a demo fair that is already there as it is. The data is generated from a
fixed seed; only the dates follow the day it is loaded.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sangdam.accounts.audit import Actor
from sangdam.accounts.enums import ParticipantSide, Role
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs import services
from sangdam.fairs.enums import (
    LIVE_STATUSES,
    Approval,
    BuyerType,
    CompanyForm,
    HostSide,
    NoticeKind,
    RequestStatus,
    SchedulingMode,
    Side,
)
from sangdam.fairs.models import (
    Category,
    Event,
    MeetingRequest,
    Notice,
    Participant,
    Slot,
    Unavailability,
)

SEOUL = ZoneInfo("Asia/Seoul")
SEED = 20260310
BUYERS = 40
SELLERS = 300
# Sellers at the end of the list whose participation the organizer has not approved.
PENDING_SELLERS = 5
REJECTED_SELLERS = 2
QUOTA = 30
DAILY_CAP = 8


@dataclass(frozen=True)
class CategoryInfo:
    name: str
    english: str
    goods: str
    channel: str
    products: str
    suffixes: tuple[tuple[str, str], ...]


CATEGORIES = (
    CategoryInfo(
        "의료기기",
        "Medical",
        "medical devices",
        "hospitals and clinics",
        "초음파 진단기, 체외진단 키트",
        (("메디칼", "Medical"), ("메디텍", "Meditech"), ("헬스케어", "Healthcare")),
    ),
    CategoryInfo(
        "화장품",
        "Beauty",
        "K-beauty cosmetics",
        "drugstores and online marketplaces",
        "기초 스킨케어, 선크림, 마스크팩",
        (("코스메틱", "Cosmetic"), ("뷰티", "Beauty"), ("코스랩", "Coslab")),
    ),
    CategoryInfo(
        "식품",
        "Foods",
        "processed foods",
        "supermarket chains",
        "김, 장류, 간편식",
        (("식품", "Foods"), ("푸드", "Food"), ("F&B", "F&B")),
    ),
    CategoryInfo(
        "전자부품",
        "Electronics",
        "electronic components",
        "OEM manufacturers",
        "PCB, 커넥터, 센서 모듈",
        (("전자", "Electronics"), ("일렉트로닉스", "Electronics"), ("테크", "Tech")),
    ),
    CategoryInfo(
        "기계·부품",
        "Machinery",
        "industrial machinery",
        "factories and contractors",
        "CNC 가공 부품, 산업용 펌프",
        (("정밀", "Precision"), ("기계", "Machinery"), ("엔지니어링", "Engineering")),
    ),
    CategoryInfo(
        "자동차부품",
        "Auto Parts",
        "auto parts",
        "repair chains and dealers",
        "브레이크 패드, 필터, 램프",
        (("오토텍", "Autotech"), ("모터스", "Motors"), ("오토파츠", "Auto Parts")),
    ),
    CategoryInfo(
        "섬유·의류",
        "Textiles",
        "textiles and apparel",
        "fashion retailers",
        "기능성 원단, 스포츠웨어",
        (("섬유", "Textile"), ("패션", "Fashion"), ("어패럴", "Apparel")),
    ),
    CategoryInfo(
        "생활용품",
        "Home Goods",
        "household goods",
        "department stores",
        "주방용품, 욕실용품",
        (("리빙", "Living"), ("생활과학", "Life Science"), ("홈", "Home")),
    ),
    CategoryInfo(
        "에너지·환경",
        "Energy",
        "energy and environmental equipment",
        "utilities and builders",
        "태양광 모듈, 수처리 설비",
        (("에너지", "Energy"), ("그린텍", "Greentech"), ("환경", "Environment")),
    ),
    CategoryInfo(
        "농수산물",
        "Agri-Foods",
        "agricultural and fishery products",
        "food importers and restaurants",
        "인삼, 배, 수산 가공품",
        (("수산", "Fisheries"), ("농원", "Farm"), ("영농조합", "Farming")),
    ),
    CategoryInfo(
        "IT·소프트웨어",
        "Digital",
        "software and IT solutions",
        "enterprises",
        "스마트팩토리 솔루션, 보안 소프트웨어",
        (("소프트", "Soft"), ("시스템즈", "Systems"), ("랩스", "Labs")),
    ),
    CategoryInfo(
        "화학제품",
        "Chemicals",
        "chemical products",
        "manufacturers",
        "친환경 접착제, 도료",
        (("화학", "Chemical"), ("케미칼", "Chemical"), ("소재", "Materials")),
    ),
)
# A few industries dominate a fair.
CATEGORY_WEIGHTS = (14, 14, 12, 10, 8, 7, 6, 6, 5, 5, 4, 3)


@dataclass(frozen=True)
class Country:
    name: str
    english: str
    calling_code: str
    forms: tuple[str, ...]
    contacts: tuple[str, ...]


COUNTRIES = (
    Country("미국", "US", "1", ("{} Inc.", "{} LLC"), ("Michael Carter", "Jennifer Brooks")),
    Country(
        "베트남", "Vietnam", "84", ("{} JSC", "{} Co., Ltd."), ("Nguyen Van An", "Tran Thi Mai")
    ),
    Country("인도네시아", "Indonesia", "62", ("PT {}",), ("Budi Santoso", "Siti Rahmawati")),
    Country("일본", "Japan", "81", ("{} K.K.", "{} Co., Ltd."), ("Kenji Takahashi", "Yumi Sato")),
    Country("독일", "Germany", "49", ("{} GmbH",), ("Lukas Weber", "Anna Schmidt")),
    Country("아랍에미리트", "UAE", "971", ("{} FZ-LLC", "{} Trading LLC"), ("Omar Al Mansoori",)),
    Country("멕시코", "Mexico", "52", ("{} S.A. de C.V.",), ("Carlos Hernández", "María López")),
    Country("인도", "India", "91", ("{} Pvt. Ltd.",), ("Rahul Sharma", "Priya Nair")),
    Country("태국", "Thailand", "66", ("{} Co., Ltd.",), ("Somchai Wongsakul",)),
    Country("호주", "Australia", "61", ("{} Pty Ltd",), ("James Wilson", "Olivia Taylor")),
    Country("프랑스", "France", "33", ("{} SAS",), ("Julien Moreau", "Camille Laurent")),
    Country("폴란드", "Poland", "48", ("{} Sp. z o.o.",), ("Piotr Nowak",)),
    Country("캐나다", "Canada", "1", ("{} Inc.",), ("Emily Tremblay",)),
    Country("말레이시아", "Malaysia", "60", ("{} Sdn. Bhd.",), ("Ahmad Faizal", "Tan Mei Ling")),
    Country("브라질", "Brazil", "55", ("{} Ltda.",), ("Lucas Oliveira",)),
)
COUNTRY_WEIGHTS = (8, 6, 5, 5, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1)
BUYER_WORDS = (
    "Pacific", "Atlas", "Meridian", "Evergreen", "Summit", "Horizon", "Northstar", "Silverline",
    "Bluewave", "Crescent", "Sunrise", "Lotus", "Andes", "Baltic", "Rhine", "Sahara", "Coral",
    "Maple", "Orchid", "Aurora", "Harbor", "Keystone", "Pioneer", "Zenith", "Falcon", "Oasis",
    "Vertex", "Cedar", "Delta", "Emerald", "Granite", "Jade", "Liberty", "Monarch", "Nova",
    "Orion", "Prairie", "Sterling", "Tidewater",
)  # fmt: skip
SELLER_WORDS = (
    ("한빛", "Hanbit"), ("새한", "Saehan"), ("신우", "Shinwoo"), ("제일", "Jeil"),
    ("태양", "Taeyang"), ("미래", "Mirae"), ("세진", "Sejin"), ("하나", "Hana"),
    ("성진", "Sungjin"), ("삼원", "Samwon"), ("유니", "Uni"), ("에이스", "Ace"),
    ("그린", "Green"), ("블루", "Blue"), ("누리", "Nuri"), ("참", "Cham"), ("아름", "Areum"),
    ("서해", "Seohae"), ("동해", "Donghae"), ("한결", "Hangyeol"), ("다온", "Daon"),
    ("가온", "Gaon"), ("진성", "Jinsung"), ("영진", "Youngjin"), ("현성", "Hyunsung"),
    ("수성", "Susung"), ("백두", "Baekdu"), ("한라", "Halla"), ("금강", "Geumgang"),
    ("청솔", "Cheongsol"), ("푸른", "Pureun"), ("은하", "Eunha"), ("별빛", "Byeolbit"),
    ("나래", "Narae"), ("온누리", "Onnuri"), ("한울", "Hanul"), ("대원", "Daewon"),
    ("명성", "Myungsung"), ("정우", "Jungwoo"), ("태성", "Taesung"), ("한길", "Hangil"),
    ("보람", "Boram"), ("새롬", "Saerom"), ("우성", "Woosung"), ("동진", "Dongjin"),
    ("서진", "Seojin"), ("광명", "Gwangmyung"), ("신성", "Shinsung"), ("혜성", "Hyesung"),
    ("케이", "K"), ("코리아", "Korea"), ("스마트", "Smart"), ("제이", "J"), ("에코", "Eco"),
)  # fmt: skip
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN_NAMES = (
    "민준", "서연", "도윤", "지우", "하준", "서윤", "은우", "지민", "준서", "수아", "현우",
    "지현", "성민", "동현", "혜진", "재훈", "미경", "상철", "은정", "태호",
)  # fmt: skip
TITLES = (
    "해외영업팀 대리",
    "해외영업팀 과장",
    "수출팀 차장",
    "무역팀 팀장",
    "영업본부 부장",
    "대표",
)
MARKETS = ("미국, 베트남", "일본, 동남아", "유럽, 중동", "중남미", "동남아, 인도", "북미, 호주")


def load_demo(out: Any) -> None:
    organization = Organization.objects.filter(service_name="demo").first()
    if organization is None:
        out.write("Demo fair skipped: the demo organization is missing.")
        return
    with tenant_scope(organization), transaction.atomic():
        accounts = {
            user.username: user
            for user in User.objects.filter(
                username__in=["organizer", "buyer1", "seller1"], deleted_at__isnull=True
            )
        }
        if len(accounts) != 3:
            out.write(
                "Demo fair skipped: the demo accounts organizer, buyer1, seller1 are missing."
            )
            return
        present = (
            Participant.objects.filter(user__in=[accounts["buyer1"], accounts["seller1"]])
            .select_related("event")
            .first()
        )
        if present is not None:
            out.write(f"Demo fair: {present.event.name} (event {present.event.pk}), already there.")
            return
        event = _build(accounts, timezone.now())
    out.write(
        f"Demo fair: {event.name} (event {event.pk}): {BUYERS} buyers, {SELLERS} sellers,"
        " requests in every state, a greedy schedule not yet published;"
        " buyer1 and seller1 take part."
    )


def _build(accounts: dict[str, User], now: dt.datetime) -> Event:
    from sangdam.fairs.scheduling import execute_run  # noqa: PLC0415 -- imports the engine

    rng = random.Random(SEED)  # noqa: S311 -- reproducible demo data, not secrets
    today = now.astimezone(SEOUL).date()
    first = today + dt.timedelta(days=21)
    while first.weekday() != 1:  # a Tuesday and a Wednesday
        first += dt.timedelta(days=1)
    organizer = accounts["organizer"]
    event = services.create_event(
        actor=Actor(user=organizer, ip="127.0.0.1"),
        settings=services.EventSettings(
            name=f"{first.year} 글로벌 바이어 초청 수출상담회",
            venue="코엑스(COEX) 3층 D홀, 서울 강남구 영동대로 513",
            days=[first, first + dt.timedelta(days=1)],
            participation_deadline=_at(first - dt.timedelta(days=14), 18),
            request_deadline=_at(first - dt.timedelta(days=7), 18),
            daily_start=dt.time(9, 0),
            daily_end=dt.time(18, 0),
            breaks=[(dt.time(12, 0), dt.time(13, 0))],
            meeting_minutes=30,
            request_quota=QUOTA,
            default_daily_cap=DAILY_CAP,
            host_side=HostSide.BUYER,
        ),
    )
    categories = {
        c.name: c
        for c in Category.objects.bulk_create(
            Category(organization_id=event.organization_id, event=event, name=info.name)
            for info in CATEGORIES
        )
    }
    buyers, sellers, wanted = _participants(rng, event, accounts)
    Participant.categories.through.objects.bulk_create(
        Participant.categories.through(participant_id=p.pk, category_id=categories[name].pk)
        for p in buyers + sellers
        for name in wanted[p.code]
    )
    _unavailability(rng, event, buyers, sellers)
    requests = _requests(rng, event, buyers, sellers, wanted, now)
    _notices(buyers[0], sellers[0], requests)
    run = services.create_run(
        event=event, mode=SchedulingMode.GREEDY, time_limit=None, requested_by=organizer
    )
    execute_run(run)
    return event


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=SEOUL)


# ---------------------------------------------------------------------------------- participants


def _participants(
    rng: random.Random, event: Event, accounts: dict[str, User]
) -> tuple[list[Participant], list[Participant], dict[str, list[str]]]:
    """Buyers B001.. (B001 is buyer1) and sellers S001.. (S001 is seller1), with accounts."""
    wanted: dict[str, list[str]] = {}
    people: list[Participant] = []
    words = list(BUYER_WORDS)
    rng.shuffle(words)
    for n in range(1, BUYERS + 1):
        code = f"B{n:03d}"
        if n == 1:
            wanted[code] = ["의료기기", "화장품"]
            people.append(_buyer1(event, code))
            continue
        info = _category(rng)
        wanted[code] = [info.name]
        if rng.random() < 0.3:
            wanted[code].append(_category(rng).name)
        country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
        company = rng.choice(country.forms).format(f"{words[n - 2]} {info.english}")
        slug = words[n - 2].lower()
        contact = rng.choice(country.contacts)
        people.append(
            Participant(
                side=Side.BUYER,
                code=code,
                approval=Approval.APPROVED,
                company_name=company,
                company_name_en=company,
                contact_name=contact,
                contact_title=rng.choice(("Purchasing Manager", "CEO", "Sourcing Director")),
                contact_email=f"{contact.split()[0].lower()}@{slug}-trade.example",
                contact_phone=f"+{country.calling_code} 555 01{n:02d}",
                country=country.name,
                industry=info.name,
                buyer_type=BuyerType.CONTRACT if rng.random() < 0.2 else BuyerType.GENERAL,
                company_form=CompanyForm.DISTRIBUTOR
                if rng.random() < 0.7
                else CompanyForm.MANUFACTURER,
                crm_number=f"CRM{rng.randint(1_000_000, 9_999_999)}",
                website=f"https://www.{slug}-trade.example",
                description=(
                    f"{country.english}-based importer of {info.goods}, supplying"
                    f" {info.channel}. Looking for Korean partners ready to export."
                ),
                daily_cap=rng.choice((None, None, None, 6, 10)),
                booth=f"A-{n:02d}",
            )
        )
    names: set[str] = set()
    for n in range(1, SELLERS + 1):
        code = f"S{n:03d}"
        if n == 1:
            wanted[code] = ["화장품"]
            people.append(_seller1(code))
            continue
        info = _category(rng)
        wanted[code] = [info.name]
        while True:
            word, word_en = rng.choice(SELLER_WORDS)
            suffix, suffix_en = rng.choice(info.suffixes)
            if word + suffix not in names:
                names.add(word + suffix)
                break
        form = rng.random()
        company = f"(주){word}{suffix}" if form < 0.6 else word + suffix
        if 0.6 <= form < 0.75:
            company = f"주식회사 {word}{suffix}"
        approval = Approval.APPROVED
        if n > SELLERS - PENDING_SELLERS - REJECTED_SELLERS:
            approval = Approval.PENDING if n <= SELLERS - REJECTED_SELLERS else Approval.REJECTED
        people.append(
            Participant(
                side=Side.SELLER,
                code=code,
                approval=approval,
                company_name=company,
                company_name_en=f"{word_en} {suffix_en} Co., Ltd.",
                contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
                contact_title=rng.choice(TITLES),
                contact_email=f"export{n:03d}@{word_en.lower()}-{code.lower()}.example",
                contact_phone=f"010-0000-{n:04d}",
                country="대한민국",
                industry=info.name,
                company_form=CompanyForm.MANUFACTURER
                if rng.random() < 0.75
                else CompanyForm.DISTRIBUTOR,
                website=f"https://www.{word_en.lower()}-{code.lower()}.example",
                description=(
                    f"주요 제품: {info.products}. {rng.choice(MARKETS)} 수출 경험 보유,"
                    " 신규 해외 바이어 발굴 희망."
                ),
                daily_cap=rng.choice((None, None, None, 4, 6)),
            )
        )
    users = User.objects.bulk_create(
        User(
            organization_id=event.organization_id,
            username=services.default_login_id(event, p.code),
            name=p.company_name[:50],
            email=p.contact_email,
            role=Role.PARTICIPANT,
            participant_side=ParticipantSide.BUYER
            if p.side == Side.BUYER
            else ParticipantSide.SELLER,
            password=make_password(None),  # no login until the organizer sends invitations
            time_zone=event.time_zone,
        )
        for p in people
        if p.code not in ("B001", "S001")
    )
    by_code = {user.username: user for user in users}
    for p in people:
        p.organization_id = event.organization_id
        p.event = event
        if p.code == "B001":
            p.user = accounts["buyer1"]
        elif p.code == "S001":
            p.user = accounts["seller1"]
        else:
            p.user = by_code[services.default_login_id(event, p.code)]
    saved = Participant.objects.bulk_create(people)
    return (
        [p for p in saved if p.side == Side.BUYER],
        [p for p in saved if p.side == Side.SELLER],
        wanted,
    )


def _category(rng: random.Random) -> CategoryInfo:
    return rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]


def _buyer1(event: Event, code: str) -> Participant:
    return Participant(
        side=Side.BUYER,
        code=code,
        approval=Approval.APPROVED,
        company_name="Brightway Global Trading Inc.",
        company_name_en="Brightway Global Trading Inc.",
        contact_name="John Buyer",
        contact_title="Purchasing Manager",
        contact_email="john@brightway-trade.example",
        contact_phone="+1 213 555 0100",
        country="미국",
        industry="의료기기",
        buyer_type=BuyerType.GENERAL,
        company_form=CompanyForm.DISTRIBUTOR,
        crm_number="CRM1000001",
        website="https://www.brightway-trade.example",
        description=(
            "Los Angeles importer of medical devices and K-beauty products for clinics and"
            " drugstore chains on the US West Coast."
        ),
        booth="A-01",
    )


def _seller1(code: str) -> Participant:
    return Participant(
        side=Side.SELLER,
        code=code,
        approval=Approval.APPROVED,
        company_name="(주)테스트셀러",
        company_name_en="Test Seller Co., Ltd.",
        contact_name="홍길동",
        contact_title="해외영업팀 과장",
        contact_email="export@test-seller.example",
        contact_phone="010-0000-0001",
        country="대한민국",
        industry="화장품",
        company_form=CompanyForm.MANUFACTURER,
        website="https://www.test-seller.example",
        description="주요 제품: 기초 스킨케어, 선크림. 미국, 베트남 수출 경험 보유.",
    )


# ---------------------------------------------------------------------------------- availability


def _unavailability(
    rng: random.Random, event: Event, buyers: list[Participant], sellers: list[Participant]
) -> None:
    """Times switched off: a block here and there, now and then a whole day."""
    slots = list(Slot.objects.filter(event=event).order_by("starts_at"))
    days = sorted({s.day for s in slots})
    by_day = [[s for s in slots if s.day == day] for day in days]
    off: dict[int, set[Slot]] = {}
    for person in buyers[1:] + sellers[1:]:
        if rng.random() < 0.3:
            day = rng.choice(by_day)
            length = rng.randint(2, 5)
            start = rng.randrange(len(day) - length + 1)
            off.setdefault(person.pk, set()).update(day[start : start + length])
        if rng.random() < 0.04:
            off.setdefault(person.pk, set()).update(rng.choice(by_day))
    off[buyers[0].pk] = set(by_day[1][-4:])  # buyer1 leaves early on the second day
    off[sellers[0].pk] = set(by_day[0][:2])  # seller1 arrives at ten on the first day
    Unavailability.objects.bulk_create(
        Unavailability(organization_id=event.organization_id, participant_id=pk, slot=slot)
        for pk, chosen in off.items()
        for slot in sorted(chosen, key=lambda s: s.starts_at)
    )


# -------------------------------------------------------------------------------------- requests


@dataclass
class _Request:
    requester: Participant
    recipient: Participant
    status: RequestStatus
    created_at: dt.datetime
    decided_at: dt.datetime | None = None


PENDING, ACCEPTED = RequestStatus.PENDING, RequestStatus.ACCEPTED
REJECTED, CANCELLED = RequestStatus.REJECTED, RequestStatus.CANCELLED
# buyer1 (B001) and seller1 (S001) with the other side: (direction, counterpart index, status).
# "out": the demo account asked; "in": the counterpart asked the demo account.
SCRIPTED_BUYER1 = [
    *(("in", i, PENDING) for i in range(1, 7)),
    *(("out", i, PENDING) for i in (0, 7, 8, 9, 10)),  # S001 = seller1 gets one of them
    ("out", 11, ACCEPTED),
    ("out", 12, ACCEPTED),
    ("in", 13, ACCEPTED),
    ("in", 14, ACCEPTED),
    ("in", 15, REJECTED),
    ("in", 16, REJECTED),
    ("out", 17, REJECTED),
    ("out", 18, CANCELLED),
    ("in", 19, CANCELLED),
]
SCRIPTED_SELLER1 = [
    *(("out", i, PENDING) for i in range(1, 6)),
    ("in", 6, PENDING),
    ("in", 7, PENDING),
    ("out", 8, ACCEPTED),
    ("out", 9, ACCEPTED),
    ("in", 10, ACCEPTED),
    ("out", 11, REJECTED),
    ("in", 12, REJECTED),
    ("out", 13, CANCELLED),
    ("in", 14, CANCELLED),
]


def _requests(
    rng: random.Random,
    event: Event,
    buyers: list[Participant],
    sellers: list[Participant],
    wanted: dict[str, list[str]],
    now: dt.datetime,
) -> list[MeetingRequest]:
    start = now - dt.timedelta(days=20)

    def moment() -> dt.datetime:
        return (start + dt.timedelta(seconds=rng.uniform(0, 19.5 * 86400))).replace(microsecond=0)

    def decided(at: dt.datetime) -> dt.datetime:
        later = at + dt.timedelta(seconds=rng.uniform(1800, 3 * 86400))
        return min(later, now - dt.timedelta(minutes=10)).replace(microsecond=0)

    made: list[_Request] = []
    pairs: set[tuple[int, int]] = set()
    live: dict[int, int] = {}

    def add(requester: Participant, recipient: Participant, status: RequestStatus) -> None:
        buyer, seller = (
            (requester, recipient) if requester.side == Side.BUYER else (recipient, requester)
        )
        pairs.add((buyer.pk, seller.pk))
        if status in LIVE_STATUSES:
            live[requester.pk] = live.get(requester.pk, 0) + 1
        at = moment()
        made.append(
            _Request(requester, recipient, status, at, None if status == PENDING else decided(at))
        )

    for direction, index, status in SCRIPTED_BUYER1:
        me, them = buyers[0], sellers[index]
        add(*((me, them) if direction == "out" else (them, me)), status)
    for direction, index, status in SCRIPTED_SELLER1:
        me, them = sellers[0], buyers[index]
        add(*((me, them) if direction == "out" else (them, me)), status)

    # Everyone else: sellers ask popular buyers of their industry, buyers ask fewer sellers.
    others_b = buyers[1:]
    others_s = [s for s in sellers[1:] if s.approval == Approval.APPROVED]
    popularity = [1.0 / (i + 1) ** 0.8 for i in range(len(others_b))]
    rng.shuffle(popularity)

    def status_roll() -> RequestStatus:
        roll = rng.random()
        if roll < 0.14:
            return ACCEPTED
        if roll < 0.24:
            return REJECTED
        if roll < 0.31:
            return CANCELLED
        return PENDING

    def maybe(requester: Participant, recipient: Participant) -> None:
        buyer, seller = (
            (requester, recipient) if requester.side == Side.BUYER else (recipient, requester)
        )
        if (buyer.pk, seller.pk) in pairs:
            return
        status = status_roll()
        if status in LIVE_STATUSES and live.get(requester.pk, 0) >= QUOTA:
            return
        add(requester, recipient, status)

    for seller in others_s:
        mine = set(wanted[seller.code])
        same = [i for i, b in enumerate(others_b) if mine & set(wanted[b.code])]
        for _ in range(min(QUOTA, round(rng.lognormvariate(1.6, 0.6)))):
            pool = same if same and rng.random() < 0.7 else range(len(others_b))
            weights = [popularity[i] for i in pool]
            maybe(seller, others_b[rng.choices(list(pool), weights)[0]])
    for buyer in others_b:
        mine = set(wanted[buyer.code])
        same_s = [s for s in others_s if mine & set(wanted[s.code])] or others_s
        for _ in range(rng.randint(2, 14)):
            maybe(buyer, rng.choice(same_s if rng.random() < 0.8 else others_s))

    # Each requester's live requests carry distinct ranks in the order they were made.
    made.sort(key=lambda r: r.created_at)
    ranks: dict[int, int] = {}
    rows = []
    for r in made:
        rank = None
        if r.status in LIVE_STATUSES:
            rank = ranks.get(r.requester.pk, 0) + 1
            ranks[r.requester.pk] = rank
        rows.append(
            MeetingRequest(
                organization_id=event.organization_id,
                event=event,
                requester=r.requester,
                recipient=r.recipient,
                status=r.status,
                rank=rank,
                created_at=r.created_at,
                decided_at=r.decided_at,
            )
        )
    return MeetingRequest.objects.bulk_create(rows)


def _notices(buyer1: Participant, seller1: Participant, requests: list[MeetingRequest]) -> None:
    """The message boxes of buyer1 and seller1, as the requests above would have filled them."""
    notices: list[tuple[Notice, dt.datetime]] = []
    for me in (buyer1, seller1):
        notices.append(
            (
                Notice(
                    organization_id=me.organization_id, participant=me, kind=NoticeKind.APPROVED
                ),
                min(r.created_at for r in requests) - dt.timedelta(days=1),
            )
        )
        for r in requests:
            kind = None
            at = r.decided_at or r.created_at
            if r.recipient_id == me.pk and r.status != CANCELLED:
                kind, at = NoticeKind.REQUEST_RECEIVED, r.created_at
            elif r.recipient_id == me.pk:
                kind = NoticeKind.REQUEST_CANCELLED
            elif r.requester_id == me.pk and r.status == ACCEPTED:
                kind = NoticeKind.REQUEST_ACCEPTED
            elif r.requester_id == me.pk and r.status == REJECTED:
                kind = NoticeKind.REQUEST_REJECTED
            if kind is not None:
                counterpart = r.requester if r.recipient_id == me.pk else r.recipient
                notices.append(
                    (
                        Notice(
                            organization_id=me.organization_id,
                            participant=me,
                            kind=kind,
                            counterpart=counterpart,
                        ),
                        at,
                    )
                )
    saved = Notice.objects.bulk_create(n for n, _at in notices)
    latest = max(at for _n, at in notices)
    for notice, (_n, at) in zip(saved, notices, strict=True):
        notice.created_at = at
        # The oldest notices have been read; the last two days' are new.
        notice.read_at = at + dt.timedelta(hours=1) if at < latest - dt.timedelta(days=2) else None
    Notice.objects.bulk_update(saved, ["created_at", "read_at"])
