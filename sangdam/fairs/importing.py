"""Importing participants from an organizer's Excel list.

The work is split so that most of it runs without a database: ``read_table`` reads one sheet,
``guess_mapping`` matches its headers to our fields (Korean or English), ``parse_table`` checks
every cell, ``finish_rows`` fills in missing IDs and finds duplicates. ``check_rows`` adds what
only the database knows (IDs and login IDs already taken) and ``save_import`` stores the rows in
one transaction with bulk inserts, so that thousands of participants take seconds.

Nothing is stored before the organizer confirms; the uploaded file waits in the default storage
under a random token between the steps (``store_upload`` / ``open_upload``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sangdam.accounts.audit import Actor, record_work
from sangdam.accounts.enums import ParticipantSide, Role, WorkAction, WorkScreen
from sangdam.accounts.models import User, login_id_validator
from sangdam.core import spreadsheet
from sangdam.core.errors import SangdamError
from sangdam.core.spreadsheet import XLSX_SIGNATURE as XLSX_SIGNATURE
from sangdam.core.spreadsheet import FieldSpec, SpreadsheetError
from sangdam.core.spreadsheet import Table as Table
from sangdam.core.spreadsheet import cell_text as cell_text
from sangdam.core.spreadsheet import normalize as normalize
from sangdam.fairs.enums import Approval, BuyerType, CompanyForm, Side
from sangdam.fairs.models import Category, Event, Participant
from sangdam.fairs.services import ParticipationInfo, default_login_id

MAX_UPLOAD_BYTES = spreadsheet.MAX_UPLOAD_BYTES
MAX_ROWS = 20_000
UPLOAD_FOLDER = "private/fair-imports"
UPLOAD_TTL = dt.timedelta(days=1)
_UPLOADS = spreadsheet.UploadFolder(UPLOAD_FOLDER, UPLOAD_TTL)

# The file cannot be read as an Excel workbook, or the sheet is unusable.
ImportFileError = SpreadsheetError
# A field of the participant list (the shared kernel's field description).
ImportField = FieldSpec


class ImportRefused(SangdamError):
    """The organizer asked for all or nothing and some rows are bad."""


# ---------------------------------------------------------------------------------- the fields


FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "side",
        gettext_lazy("Side (buyer / seller)"),
        (
            "side",
            "buyer/seller",
            "participant type",
            "role",
            "구분",
            "참가구분",
            "바이어/셀러",
            "바이어·셀러",
            "바이어셀러구분",
            "참가유형",
            "참가자구분",
        ),
        required=True,
    ),
    ImportField(
        "code",
        gettext_lazy("Participant ID"),
        (
            "participant id",
            "id",
            "code",
            "participant code",
            "참가자id",
            "참가자 ID",
            "참가번호",
            "참가자번호",
            "참가자코드",
            "코드",
        ),
    ),
    ImportField(
        "login_id",
        gettext_lazy("Login ID"),
        (
            "login id",
            "login",
            "username",
            "user id",
            "아이디",
            "로그인 아이디",
            "로그인id",
            "로그인ID",
            "사용자id",
        ),
    ),
    ImportField(
        "company_name",
        gettext_lazy("Company name"),
        (
            "company",
            "company name",
            "organization",
            "회사명",
            "기업명",
            "업체명",
            "회사",
            "상호",
            "바이어/기관명",
            "기관명",
            "회사명(국문)",
            "국문회사명",
        ),
        required=True,
    ),
    ImportField(
        "company_name_en",
        gettext_lazy("Company name (English)"),
        (
            "english name",
            "company name (english)",
            "company (english)",
            "name in english",
            "영문명",
            "영문회사명",
            "회사명(영문)",
            "회사영문명",
            "바이어/기관명(영문)",
            "기관명(영문)",
            "영문 기업명",
            "기업명(영문)",
        ),
    ),
    ImportField(
        "contact_name",
        gettext_lazy("Contact person"),
        (
            "contact",
            "contact person",
            "contact name",
            "담당자",
            "담당자명",
            "담당자 성명",
            "성명",
            "이름",
        ),
    ),
    ImportField(
        "contact_title",
        gettext_lazy("Title"),
        ("title", "position", "job title", "직함", "직위", "직책", "담당자 직위", "담당자 직함"),
    ),
    ImportField(
        "contact_email",
        gettext_lazy("E-mail"),
        (
            "email",
            "e-mail",
            "mail",
            "contact email",
            "이메일",
            "메일",
            "전자우편",
            "담당자 이메일",
            "이메일주소",
        ),
    ),
    ImportField(
        "contact_phone",
        gettext_lazy("Phone"),
        (
            "phone",
            "tel",
            "telephone",
            "mobile",
            "phone number",
            "전화",
            "전화번호",
            "연락처",
            "휴대폰",
            "핸드폰",
            "담당자 연락처",
            "휴대전화",
        ),
    ),
    ImportField(
        "country",
        gettext_lazy("Country"),
        ("country", "nation", "국가", "무역관 국가", "무역관국가", "나라", "국적"),
    ),
    ImportField(
        "industry",
        gettext_lazy("Industry"),
        ("industry", "sector", "업종", "산업", "산업분야"),
    ),
    ImportField(
        "categories",
        gettext_lazy("Categories"),
        (
            "categories",
            "category",
            "items",
            "products",
            "카테고리",
            "품목",
            "수입희망 품목 카테고리",
            "수입희망품목",
            "관심품목",
            "품목 카테고리",
            "취급품목",
        ),
    ),
    ImportField(
        "buyer_type",
        gettext_lazy("Buyer type"),
        ("buyer type", "바이어 유형", "바이어유형"),
    ),
    ImportField(
        "company_form",
        gettext_lazy("Company form"),
        ("company form", "company type", "기업 형태", "기업형태", "회사형태", "기업유형"),
    ),
    ImportField(
        "crm_number",
        gettext_lazy("CRM registration number"),
        ("crm", "crm number", "crm id", "crm no", "crm 등록고유번호", "crm등록번호", "crm번호"),
    ),
    ImportField(
        "daily_cap",
        gettext_lazy("Daily meeting cap"),
        (
            "daily cap",
            "daily meeting cap",
            "meetings per day",
            "1일 상담횟수",
            "1일상담횟수",
            "일일 상담횟수",
            "상담횟수",
            "일 상담횟수",
        ),
    ),
    ImportField(
        "booth",
        gettext_lazy("Booth / table"),
        ("booth", "table", "booth no", "table no", "부스", "부스번호", "테이블", "테이블번호"),
    ),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
REQUIRED_KEYS = tuple(f.key for f in FIELDS if f.required)

# Longest allowed text per field (the model's column sizes).
_MAX_LENGTH = {
    "code": 64,
    "company_name": 200,
    "company_name_en": 200,
    "contact_name": 100,
    "contact_title": 100,
    "contact_phone": 40,
    "country": 100,
    "industry": 100,
    "crm_number": 50,
    "booth": 20,
}
_CATEGORY_MAX_LENGTH = 100
_USER_NAME_MAX_LENGTH = 50

_SIDES: dict[str, tuple[str, ...]] = {
    Side.BUYER: ("buyer", "buyers", "b", "바이어", "해외바이어", "구매", "구매자", "구매기업"),
    Side.SELLER: (
        "seller",
        "sellers",
        "s",
        "셀러",
        "국내기업",
        "판매",
        "판매자",
        "수출기업",
        "공급기업",
        "공급자",
        "참가기업",
    ),
}
_BUYER_TYPES: dict[str, tuple[str, ...]] = {
    BuyerType.GENERAL: ("general", "일반"),
    BuyerType.CONTRACT: ("contract", "계약"),
}
_COMPANY_FORMS: dict[str, tuple[str, ...]] = {
    CompanyForm.MANUFACTURER: (
        "manufacturer",
        "manufacturing",
        "maker",
        "제조",
        "제조업",
        "제조사",
    ),
    CompanyForm.DISTRIBUTOR: ("distributor", "distribution", "유통", "유통업", "유통사"),
    CompanyForm.OTHER: ("other", "기타"),
}


def _lookup(table: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalize(word): str(value) for value, words in table.items() for word in words}


_SIDE_WORDS = _lookup(_SIDES)
_BUYER_TYPE_WORDS = _lookup(_BUYER_TYPES)
_COMPANY_FORM_WORDS = _lookup(_COMPANY_FORMS)


# ------------------------------------------------------------------------- reading the workbook


def check_upload(name: str, size: int, head: bytes) -> None:
    """Refuse a file that is not an .xlsx workbook of acceptable size, before storing it.

    :raises ImportFileError: with a message saying what is wrong with the file.
    """
    spreadsheet.check_upload(name, size, head, max_bytes=MAX_UPLOAD_BYTES)


def read_table(source: IO[bytes], *, sheet: str = "", header_row: int = 1) -> Table:
    """Read one sheet (the first when ``sheet`` is empty) from ``header_row`` on.

    :raises ImportFileError: the file is not a workbook, the sheet does not exist, the header row
        is empty, or there are more than ``MAX_ROWS`` rows.
    """
    return spreadsheet.read_table(source, sheet=sheet, header_row=header_row, max_rows=MAX_ROWS)


# ------------------------------------------------------------------------------ column mapping


def guess_mapping(headers: Sequence[str]) -> dict[str, int | None]:
    """Which column holds which participant field, from the headers' names (Korean or English)."""
    return spreadsheet.guess_columns(headers, FIELDS)


# ------------------------------------------------------------------------------- checking rows


@dataclass(frozen=True)
class RowError:
    field: str
    message: str

    @property
    def label(self) -> str:
        spec = FIELD_BY_KEY.get(self.field)
        return str(spec.label) if spec else ""

    def __str__(self) -> str:
        return f"{self.label}: {self.message}" if self.label else self.message


@dataclass
class ImportRow:
    """One row of the sheet, as it would be stored, with what is wrong with it."""

    number: int
    side: str = ""
    code: str = ""
    login_id: str = ""
    info: ParticipationInfo = field(default_factory=lambda: ParticipationInfo(company_name=""))
    daily_cap: int | None = None
    booth: str = ""
    code_generated: bool = False
    login_generated: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def refuse(self, key: str, message: str) -> None:
        self.errors.append(RowError(key, message))

    def describe(self) -> str:
        return _("Row %(row)s: %(problems)s") % {
            "row": self.number,
            "problems": "; ".join(str(e) for e in self.errors),
        }


def parse_table(table: Table, mapping: Mapping[str, int | None]) -> list[ImportRow]:
    """Check every cell of every row on its own (no database): the rows, each with its errors."""
    return [_parse_row(number, values, mapping) for number, values in table.rows]


def _parse_row(number: int, values: Sequence[Any], mapping: Mapping[str, int | None]) -> ImportRow:
    def text(key: str) -> str:
        column = mapping.get(key)
        if column is None or column >= len(values):
            return ""
        return cell_text(values[column])

    row = ImportRow(number=number)
    for key, limit in _MAX_LENGTH.items():
        if len(text(key)) > limit:
            row.refuse(key, _("Longer than %(limit)s characters.") % {"limit": limit})
    side_text = text("side")
    row.side = _SIDE_WORDS.get(normalize(side_text), "")
    if not side_text:
        row.refuse("side", _("Missing: write buyer or seller (바이어 / 셀러)."))
    elif not row.side:
        row.refuse(
            "side",
            _("Unknown side %(value)s: write buyer or seller (바이어 / 셀러).")
            % {"value": side_text},
        )
    row.code = text("code")
    row.login_id = text("login_id")
    company_name = text("company_name")
    if not company_name:
        row.refuse("company_name", _("Missing: every participant needs a company name."))
    email = text("contact_email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.refuse("contact_email", _("%(value)s is not an e-mail address.") % {"value": email})
    buyer_type_text = text("buyer_type")
    buyer_type = _BUYER_TYPE_WORDS.get(normalize(buyer_type_text), "")
    if buyer_type_text and not buyer_type:
        row.refuse(
            "buyer_type",
            _("Unknown buyer type %(value)s: write general or contract (일반 / 계약).")
            % {"value": buyer_type_text},
        )
    company_form, company_form_other = _company_form(text("company_form"))
    categories = [c.strip() for c in re.split(r"[,;\n]", text("categories")) if c.strip()]
    for category in categories:
        if len(category) > _CATEGORY_MAX_LENGTH:
            row.refuse(
                "categories",
                _("Category %(value)s is longer than %(limit)s characters.")
                % {"value": category[:20] + "…", "limit": _CATEGORY_MAX_LENGTH},
            )
    row.daily_cap = _daily_cap(row, text("daily_cap"))
    row.booth = text("booth")
    row.info = ParticipationInfo(
        company_name=company_name,
        company_name_en=text("company_name_en"),
        contact_name=text("contact_name"),
        contact_title=text("contact_title"),
        contact_email=email,
        contact_phone=text("contact_phone"),
        country=text("country"),
        industry=text("industry"),
        categories=list(dict.fromkeys(categories)),
        buyer_type=buyer_type,
        company_form=company_form,
        company_form_other=company_form_other[:100],
        crm_number=text("crm_number"),
    )
    return row


def _company_form(value: str) -> tuple[str, str]:
    """제조 / 유통 / 기타: free text — anything else is kept as "other" with its text."""
    if not value:
        return "", ""
    known = _COMPANY_FORM_WORDS.get(normalize(value))
    if known and known != CompanyForm.OTHER:
        return known, ""
    head, rest = _split_other(value)
    if _COMPANY_FORM_WORDS.get(normalize(head)) == CompanyForm.OTHER:
        return CompanyForm.OTHER, rest
    return CompanyForm.OTHER, value


def _split_other(value: str) -> tuple[str, str]:
    match = re.match(r"^\s*([^:：(]*)[:：(]\s*(.*?)\s*\)?\s*$", value)
    if match is None:
        return value, ""
    return match.group(1), match.group(2)


def _daily_cap(row: ImportRow, value: str) -> int | None:
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number.is_integer() or not 0 <= number <= 32767:
        row.refuse(
            "daily_cap",
            _("%(value)s is not a number of meetings (a whole number, 0 or more).")
            % {"value": value},
        )
        return None
    return int(number)


def finish_rows(
    rows: Sequence[ImportRow],
    *,
    event_pk: int,
    existing_codes: set[str],
    taken_logins: set[str],
) -> None:
    """Give rows without an ID one (B0001, S0001 …), derive missing login IDs, and refuse IDs
    and login IDs used twice in the file or already taken (no database needed)."""
    first_code: dict[str, int] = {}
    used_codes = set(existing_codes) | {r.code for r in rows if r.code}
    counters: Counter[str] = Counter()
    for row in rows:
        if row.code:
            if row.code in existing_codes:
                row.refuse(
                    "code",
                    _("Participant ID %(code)s already belongs to a participant of this event.")
                    % {"code": row.code},
                )
            elif row.code in first_code:
                row.refuse(
                    "code",
                    _("Participant ID %(code)s is used again; row %(row)s has it first.")
                    % {"code": row.code, "row": first_code[row.code]},
                )
            else:
                first_code[row.code] = row.number
            continue
        prefix = {Side.BUYER: "B", Side.SELLER: "S"}.get(Side(row.side), "P") if row.side else "P"
        while True:
            counters[prefix] += 1
            candidate = f"{prefix}{counters[prefix]:04d}"
            if candidate not in used_codes:
                break
        row.code = candidate
        row.code_generated = True
        used_codes.add(candidate)
    first_login: dict[str, int] = {}
    for row in rows:
        if not row.login_id:
            row.login_id = default_login_id_for(event_pk, row.code)
            row.login_generated = True
            if any(e.field == "code" for e in row.errors):
                continue  # the ID is refused already; its derived login says nothing new
        else:
            try:
                login_id_validator(row.login_id)
            except ValidationError as error:
                row.refuse("login_id", "; ".join(str(m) for m in error.messages))
                continue
        key = row.login_id
        if key in taken_logins:
            row.refuse(
                "login_id",
                _("Login ID %(login)s is already taken in your organization.")
                % {"login": row.login_id},
            )
        elif key in first_login:
            row.refuse(
                "login_id",
                _("Login ID %(login)s is used again; row %(row)s has it first.")
                % {"login": row.login_id, "row": first_login[key]},
            )
        else:
            first_login[key] = row.number


def default_login_id_for(event_pk: int, code: str) -> str:
    """``services.default_login_id`` without an Event row at hand."""
    return default_login_id(Event(pk=event_pk), code)


def check_rows(event: Event, rows: Sequence[ImportRow]) -> None:
    """``finish_rows`` against the event's participant IDs and the organization's login IDs."""
    existing_codes = set(Participant.objects.filter(event=event).values_list("code", flat=True))
    taken_logins = set(
        User.objects.filter(
            organization_id=event.organization_id, deleted_at__isnull=True
        ).values_list("username", flat=True)
    )
    finish_rows(rows, event_pk=event.pk, existing_codes=existing_codes, taken_logins=taken_logins)


# ------------------------------------------------------------------------------------ preview


@dataclass(frozen=True)
class ImportPreview:
    table: Table
    rows: list[ImportRow]

    @property
    def good(self) -> list[ImportRow]:
        return [r for r in self.rows if r.ok]

    @property
    def bad(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.ok]

    @property
    def sides(self) -> Counter[str]:
        return Counter(r.side for r in self.good)


def preview_import(
    event: Event,
    source: IO[bytes],
    *,
    sheet: str,
    header_row: int,
    mapping: Mapping[str, int | None],
) -> ImportPreview:
    """Read and check the whole sheet against the event; nothing is stored.

    :raises ImportFileError: the file or the sheet cannot be read.
    """
    table = read_table(source, sheet=sheet, header_row=header_row)
    rows = parse_table(table, mapping)
    check_rows(event, rows)
    return ImportPreview(table=table, rows=rows)


# ------------------------------------------------------------------------------------- saving


def save_import(
    *,
    actor: Actor,
    event: Event,
    rows: Sequence[ImportRow],
    approval: Approval = Approval.APPROVED,
    keep_good: bool = False,
) -> int:
    """Store the checked rows as participants with their own logins, in one transaction.

    With ``keep_good`` the bad rows are skipped; otherwise one bad row stops the whole import.
    Returns the number of participants created.

    :raises ImportRefused: some rows are bad and ``keep_good`` is off, or no row is good.
    :raises SangdamError: the event's participants changed meanwhile (an ID or login taken).
    """
    bad = [r for r in rows if not r.ok]
    good = [r for r in rows if r.ok]
    if bad and not keep_good:
        raise ImportRefused(
            _(
                "Nothing was imported: %(bad)s of %(total)s rows have errors. Correct them, or "
                "choose to import the good rows and skip the bad ones."
            )
            % {"bad": len(bad), "total": len(rows)}
        )
    if not good:
        raise ImportRefused(_("Nothing was imported: there is no valid row."))
    with record_work(actor, WorkScreen.FAIRS, WorkAction.CREATE) as work:
        work.detail = f"import {len(good)} participants into event {event.pk}"
        if bad:
            work.detail += f", skipped rows {', '.join(str(r.number) for r in bad[:40])}"
        try:
            with transaction.atomic():
                _bulk_create(event, good, Approval(approval))
        except IntegrityError as error:
            raise SangdamError(
                _(
                    "The participants of this event changed while you were importing. "
                    "Nothing was imported; check the preview again."
                )
            ) from error
    return len(good)


def _bulk_create(event: Event, rows: Sequence[ImportRow], approval: Approval) -> None:
    organization_id = event.organization_id
    unusable = make_password(None)  # no password until the participant is invited
    users = User.objects.bulk_create(
        User(
            organization_id=organization_id,
            username=row.login_id,
            name=row.info.company_name[:_USER_NAME_MAX_LENGTH],
            email=row.info.contact_email,
            role=Role.PARTICIPANT,
            participant_side=(
                ParticipantSide.BUYER if row.side == Side.BUYER else ParticipantSide.SELLER
            ),
            time_zone=event.time_zone,
            password=unusable,
        )
        for row in rows
    )
    people = Participant.objects.bulk_create(
        Participant(
            organization_id=organization_id,
            event=event,
            user=user,
            side=row.side,
            code=row.code,
            approval=approval,
            company_name=row.info.company_name,
            company_name_en=row.info.company_name_en,
            contact_name=row.info.contact_name,
            contact_title=row.info.contact_title,
            contact_email=row.info.contact_email,
            contact_phone=row.info.contact_phone,
            country=row.info.country,
            industry=row.info.industry,
            buyer_type=row.info.buyer_type,
            company_form=row.info.company_form,
            company_form_other=row.info.company_form_other,
            crm_number=row.info.crm_number,
            daily_cap=row.daily_cap,
            booth=row.booth,
        )
        for row, user in zip(rows, users, strict=True)
    )
    categories = {c.name: c.pk for c in Category.objects.filter(event=event)}
    missing = sorted({n for row in rows for n in row.info.categories} - set(categories))
    for category in Category.objects.bulk_create(
        Category(organization_id=organization_id, event=event, name=name) for name in missing
    ):
        categories[category.name] = category.pk
    through = Participant.categories.through
    through.objects.bulk_create(
        through(participant_id=person.pk, category_id=categories[name])
        for row, person in zip(rows, people, strict=True)
        for name in row.info.categories
    )


# ---------------------------------------------------------------------- the file between steps


def store_upload(content: IO[bytes]) -> str:
    """Keep an uploaded workbook until the organizer confirms; returns its random token."""
    return _UPLOADS.store(content)


@contextmanager
def open_upload(token: str) -> Iterator[IO[bytes]]:
    """The stored workbook of ``token`` (a token, never a path from the client).

    :raises ImportFileError: the token is malformed or the file is gone (expired or imported).
    """
    with _UPLOADS.open(token) as source:
        yield source


def discard_upload(token: str) -> None:
    _UPLOADS.discard(token)


# ---------------------------------------------------------------------------------- template


TEMPLATE_EXAMPLES: tuple[dict[str, str], ...] = (
    {
        "side": "바이어",
        "code": "B0001",
        "company_name": "Global Trading LLC",
        "company_name_en": "Global Trading LLC",
        "contact_name": "John Smith",
        "contact_title": "Purchasing Manager",
        "contact_email": "john@example.com",
        "contact_phone": "+1 212 555 0100",
        "country": "United States",
        "industry": "Medical devices",
        "categories": "진찰 및 진단용 기기, 방사선 진단 기기",
        "buyer_type": "일반",
        "company_form": "유통",
        "daily_cap": "8",
        "booth": "A-01",
    },
    {
        "side": "셀러",
        "code": "S0001",
        "company_name": "한국메디칼(주)",
        "company_name_en": "Korea Medical Co., Ltd.",
        "contact_name": "김민수",
        "contact_title": "해외영업팀장",
        "contact_email": "minsu@example.co.kr",
        "contact_phone": "010-1234-5678",
        "country": "대한민국",
        "industry": "의료기기",
        "categories": "진찰 및 진단용 기기",
        "company_form": "제조",
    },
)


def template_workbook() -> bytes:
    """An empty participant list with the headers the import recognizes, and two examples."""
    return spreadsheet.template_workbook(
        title=_("Participants"), fields=FIELDS, examples=TEMPLATE_EXAMPLES, guide=_GUIDE
    )


_GUIDE: dict[str, str | Promise] = {
    "side": gettext_lazy("buyer or seller (바이어 / 셀러)"),
    "code": gettext_lazy("Unique within the event, e.g. B0001. Left empty: one is given."),
    "login_id": gettext_lazy(
        "3 to 30 letters, digits, dots, hyphens or underscores. Left empty: the event number "
        "and the participant ID."
    ),
    "company_name": gettext_lazy("The name participants search for."),
    "company_name_en": gettext_lazy("Optional."),
    "contact_name": gettext_lazy("Optional."),
    "contact_title": gettext_lazy("Optional."),
    "contact_email": gettext_lazy("Invitations are sent to this address."),
    "contact_phone": gettext_lazy("Optional."),
    "country": gettext_lazy("Optional."),
    "industry": gettext_lazy("Optional."),
    "categories": gettext_lazy("Several categories separated by , or ;"),
    "buyer_type": gettext_lazy("general or contract (일반 / 계약)"),
    "company_form": gettext_lazy(
        "manufacturer, distributor or other (제조 / 유통 / 기타); other text is kept as other."
    ),
    "crm_number": gettext_lazy("Optional."),
    "daily_cap": gettext_lazy("Most meetings a day; empty: the event's default."),
    "booth": gettext_lazy("The participant's own booth or table when one side hosts."),
}
