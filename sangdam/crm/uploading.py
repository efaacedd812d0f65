"""Customer upload from Excel (고객데이터 업로드, SPEC CC-42, G-CC-10).

The steps: the permitted account uploads an .xlsx file (``receive_file``), chooses the sheet
and the first data row (``sheet_sample``), maps the columns (``guess_mapping``) and starts the
check (``start_check``). A background task (``run_check``) reads the sheet row by row, checks
every row and looks the numbers up in chunks; the good rows wait in a file beside the upload,
every problem is kept on the ``CustomerUpload``. Nothing is stored as a customer until the
account confirms (``confirm_upload``); then a second task (``run_save``) inserts the rows in
chunks inside one transaction — all or nothing, unless the good rows were to be kept.

Only one account per organization holds the permission (``User.can_upload_customers``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, overload

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sangdam.accounts.audit import Actor, record_work
from sangdam.accounts.enums import Role, WorkAction, WorkScreen
from sangdam.accounts.models import User
from sangdam.core import spreadsheet
from sangdam.core.bulk import insert_instances
from sangdam.core.errors import InvalidInput, NotFound, SangdamError
from sangdam.core.spreadsheet import FieldSpec, SpreadsheetError, cell_text, normalize
from sangdam.core.tenancy import tenant_scope
from sangdam.crm.enums import DuplicatePolicy, UploadState
from sangdam.crm.errors import NotAllowed
from sangdam.crm.models import Customer, CustomerUpload
from sangdam.crm.phones import format_phone, normalize_phone

UPLOADS = spreadsheet.UploadFolder("private/customer-uploads", dt.timedelta(days=2))
ROWS_SUFFIX = ".rows.jsonl"
PROGRESS_SUFFIX = ".progress"
MAX_UPLOAD_BYTES = spreadsheet.MAX_UPLOAD_BYTES
# G-CC-10 suggests 10,000; the issue asks for 100,000 rows checked in the background.
MAX_ROWS = 100_000
# Rows checked (and their numbers looked up in one query) or inserted at a time; the progress
# fields are updated after each chunk.
CHUNK_ROWS = 2_000
# Numbers looked up in one query (two IN lists): far below the 32,766 parameters SQLite
# allows since 3.32 and PostgreSQL's 65,535. A chunk's numbers (two a row) fit in one.
LOOKUP_BATCH = 4_000
GOOD_ROWS_SHOWN = 50
SAMPLE_ROWS = 8
SAMPLE_COLUMNS = 30
SAMPLE_TEXT = 100
DEFAULT_FIRST_ROW = 2
IN_PROGRESS = (UploadState.CHECKING, UploadState.SAVING)


class UploadRefused(SangdamError):
    """The upload cannot be saved as it is (rows with errors under all-or-nothing, no row)."""


class _SavedAlready(Exception):
    """Another run of the save task finished first; this one's transaction is rolled back."""


# ---------------------------------------------------------------------------------- the fields

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "name",
        gettext_lazy("Customer name"),
        ("고객명", "고객이름", "이름", "성명", "성함", "name", "customer name"),
        required=True,
    ),
    FieldSpec(
        "mobile",
        gettext_lazy("Mobile"),
        (
            "휴대폰",
            "핸드폰",
            "휴대전화",
            "휴대전화번호",
            "휴대폰번호",
            "핸드폰번호",
            "이동전화",
            "연락처",
            "모바일",
            "mobile",
            "mobile phone",
            "cell",
            "cell phone",
            "hp",
        ),
    ),
    FieldSpec(
        "phone",
        gettext_lazy("Phone number"),
        (
            "전화번호",
            "전화",
            "집전화",
            "일반전화",
            "유선전화",
            "phone",
            "tel",
            "telephone",
        ),
    ),
    FieldSpec("address", gettext_lazy("Address"), ("주소", "address", "addr")),
    FieldSpec(
        "apartment",
        gettext_lazy("Apartment (building)"),
        ("아파트(빌딩)", "아파트", "빌딩", "단지", "단지명", "건물", "apartment", "building"),
    ),
    FieldSpec("block", gettext_lazy("Block (dong)"), ("동", "block", "dong")),
    FieldSpec("unit", gettext_lazy("Unit (ho)"), ("호", "호수", "unit", "ho", "room")),
    FieldSpec(
        "move_in_date",
        gettext_lazy("Move-in date"),
        ("입주일", "입주일자", "입주예정일", "move-in date", "move in", "moving date"),
    ),
    FieldSpec(
        "sms_opt_out",
        gettext_lazy("SMS opt-out"),
        ("SMS수신거부", "수신거부", "문자수신거부", "sms opt-out", "sms opt out", "opt-out"),
    ),
    FieldSpec("is_vip", gettext_lazy("VIP"), ("VIP", "vip고객", "vip여부")),
    FieldSpec(
        "needs_caution",
        gettext_lazy("Caution"),
        ("주의", "주의고객", "요주의", "caution", "warning"),
    ),
    FieldSpec(
        "member_grade",
        gettext_lazy("Member grade"),
        ("회원등급", "등급", "고객등급", "member grade", "grade", "level"),
    ),
    FieldSpec(
        "customer_code",
        gettext_lazy("Customer ID"),
        ("고객ID", "고객아이디", "고객번호", "고객코드", "customer id", "customer code", "id"),
    ),
    FieldSpec("memo", gettext_lazy("Memo"), ("메모", "비고", "특이사항", "memo", "note", "notes")),
)
FIELD_LABELS = {f.key: f.label for f in FIELDS}
# The order of a good row's values in the rows file (after its Excel row number).
STORED = (
    "name",
    "mobile",
    "phone",
    "customer_code",
    "address",
    "apartment",
    "block",
    "unit",
    "move_in_date",
    "sms_opt_out",
    "is_vip",
    "needs_caution",
    "member_grade",
    "memo",
)
_TEXT_LIMITS = {
    "name": 50,
    "customer_code": 30,
    "address": 200,
    "apartment": 50,
    "block": 20,
    "unit": 20,
    "member_grade": 30,
}
_FLAGS = ("sms_opt_out", "is_vip", "needs_caution")
_YES = frozenset(
    normalize(w) for w in ("y", "yes", "예", "네", "o", "○", "●", "v", "✓", "✔", "1", "true", "t")
)
_NO = frozenset(normalize(w) for w in ("n", "no", "아니오", "아니요", "x", "×", "0", "false", "f"))
_UNDECIDED = frozenset(normalize(w) for w in ("미정", "미확정", "undecided", "tbd"))
_DATE = re.compile(r"^(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*[.일]?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def may_upload_customers(user: object) -> bool:
    """The one account of a contact center with the customer-upload permission (CC-42)."""
    return (
        isinstance(user, User)
        and user.is_active
        and user.deleted_at is None
        and user.role in (Role.ORG_ADMIN, Role.AGENT)
        and user.can_upload_customers
    )


def _require_uploader(user: User) -> None:
    if not may_upload_customers(user):
        raise NotAllowed(
            _("Only the account with the customer-upload permission may upload customers.")
        )


# ------------------------------------------------------------------------ steps before the check


def receive_file(
    actor: Actor, content: IO[bytes], *, name: str, size: int
) -> tuple[str, tuple[str, ...]]:
    """Keep an uploaded workbook between the steps; returns its token and its sheets' names.

    :raises SpreadsheetError: the file is not an .xlsx workbook, or cannot be read.
    """
    _require_uploader(actor.user)
    head = content.read(8)
    content.seek(0)
    spreadsheet.check_upload(name, size, head, max_bytes=MAX_UPLOAD_BYTES)
    token = UPLOADS.store(content)
    try:
        sheets = sheet_names(token)
    except SpreadsheetError:
        UPLOADS.discard(token)
        raise
    return token, sheets


def sheet_names(token: str) -> tuple[str, ...]:
    """The sheets of the uploaded workbook.

    :raises SpreadsheetError: the file is gone or unreadable.
    """
    with UPLOADS.open(token) as source, spreadsheet.open_sheet(source) as reader:
        return reader.sheets


def discard_file(token: str) -> None:
    UPLOADS.discard(token, ROWS_SUFFIX, PROGRESS_SUFFIX)


@dataclass(frozen=True)
class SheetSample:
    """The top of a sheet as the account chooses where the customers start."""

    sheet: str
    sheets: tuple[str, ...]
    first_row: int
    # The texts of the row above the first data row (empty when the data start on row 1).
    headers: tuple[str, ...]
    # (Excel row number, texts) of the rows around the start, to show.
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    width: int
    # Rows the sheet's file holds (empty formatted ones included); None when unknown.
    estimated_rows: int | None

    @property
    def columns(self) -> list[tuple[int, str]]:
        """(index, "A: 고객명") of every column, for the mapping."""
        return [
            (i, spreadsheet.column_label(i, self.headers[i] if i < len(self.headers) else ""))
            for i in range(self.width)
        ]

    @property
    def letters(self) -> list[str]:
        return [spreadsheet.column_label(i) for i in range(min(self.width, SAMPLE_COLUMNS))]


def sheet_sample(token: str, *, sheet: str = "", first_row: int = DEFAULT_FIRST_ROW) -> SheetSample:
    """The rows around ``first_row`` of ``sheet``, read without reading the whole sheet.

    :raises SpreadsheetError: the file is gone, the sheet does not exist or is empty, or there
        is no data from ``first_row`` on.
    """
    if first_row < 1:
        raise SpreadsheetError(_("The first data row must be 1 or more."))
    header_row = first_row - 1
    shown_from = max(1, first_row - 4)
    with UPLOADS.open(token) as source, spreadsheet.open_sheet(source, sheet) as reader:
        headers: tuple[str, ...] = ()
        shown: list[tuple[int, tuple[str, ...]]] = []
        last_with_data = 0
        data_rows = 0
        for number, values in reader.rows(1):
            texts = tuple(cell_text(v)[:SAMPLE_TEXT] for v in values)
            filled = any(texts)
            if filled:
                last_with_data = number
            if number == header_row:
                headers = texts
            if number >= first_row and filled:
                data_rows += 1
            if shown_from <= number and (number < first_row or filled):
                shown.append((number, texts))
            if data_rows >= SAMPLE_ROWS:
                break
        estimated = reader.row_count()
        name, names = reader.name, reader.sheets
    if not last_with_data:
        raise SpreadsheetError(
            _("Sheet %(sheet)s is empty. Choose the sheet that holds the customers.")
            % {"sheet": name}
        )
    if not data_rows:
        raise SpreadsheetError(
            _(
                "Sheet %(sheet)s has no data from row %(row)s on: its last row with data is row "
                "%(last)s. Choose the row of the first customer."
            )
            % {"sheet": name, "row": first_row, "last": last_with_data}
        )
    width = max([len(headers), *(_width(texts) for _n, texts in shown)])
    headers = headers[:width] + ("",) * (width - len(headers))
    return SheetSample(
        sheet=name,
        sheets=names,
        first_row=first_row,
        headers=headers,
        rows=tuple((n, texts[:width]) for n, texts in shown),
        width=width,
        estimated_rows=None if estimated is None else max(0, estimated - header_row),
    )


def _width(texts: Sequence[str]) -> int:
    for index in range(len(texts), 0, -1):
        if texts[index - 1]:
            return index
    return 0


def guess_mapping(headers: Sequence[str]) -> dict[str, int | None]:
    """Which column holds which customer field, from the headers (Korean or English)."""
    return spreadsheet.guess_columns(headers, FIELDS)


@dataclass(frozen=True)
class UploadSettings:
    token: str
    file_name: str
    sheet: str
    first_row: int
    # Field key → column index (0 = A), or None when the file has no such column.
    mapping: Mapping[str, int | None]
    duplicates: DuplicatePolicy = DuplicatePolicy.SKIP
    keep_good_rows: bool = False


def start_check(actor: Actor, chosen: UploadSettings) -> CustomerUpload:
    """Record the upload and check every row in the background; nothing is stored yet.

    :raises NotAllowed: the account lacks the upload permission.
    :raises InvalidInput: no column holds the name, or one column is chosen twice.
    :raises SpreadsheetError: the uploaded file is gone.
    """
    from sangdam.crm.tasks import check_customer_upload  # noqa: PLC0415 -- tasks import this

    _require_uploader(actor.user)
    mapping = {f.key: chosen.mapping.get(f.key) for f in FIELDS}
    if mapping["name"] is None:
        raise InvalidInput.single("name", _("Choose the column that holds the customer name."))
    columns = [c for c in mapping.values() if c is not None]
    if len(columns) != len(set(columns)):
        raise InvalidInput.single("", _("Each column can be chosen for one field only."))
    if not UPLOADS.exists(chosen.token):
        raise SpreadsheetError(_("The uploaded file is no longer available. Upload it again."))
    upload = CustomerUpload.objects.create(
        organization_id=actor.user.organization_id,
        uploaded_by=actor.user,
        file_name=chosen.file_name[:200],
        token=chosen.token,
        sheet=chosen.sheet[:100],
        first_row=chosen.first_row,
        mapping=mapping,
        duplicates=DuplicatePolicy(chosen.duplicates),
        keep_good_rows=chosen.keep_good_rows,
        state=UploadState.CHECKING,
    )
    upload_id = upload.pk
    transaction.on_commit(lambda: check_customer_upload.enqueue(upload_id=upload_id))
    return upload


def load_upload(pk: int) -> CustomerUpload:
    """An upload of the current organization; another one's is simply not found."""
    upload = CustomerUpload.objects.filter(pk=pk).first()
    if upload is None:
        raise NotFound(_("The upload does not exist."))
    return upload


# ---------------------------------------------------------------------------------- the check


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    errors: list[tuple[str, str]] = field(default_factory=list)

    def refuse(self, key: str, message: str) -> None:
        self.errors.append((key, message))


def parse_row(number: int, cells: Sequence[Any], mapping: Mapping[str, int | None]) -> _Row:
    """One row as it would be stored, with what is wrong with it (no database)."""
    values: dict[str, Any] = {}
    row = _Row(number, values)
    width = len(cells)
    for key in STORED:
        column = mapping.get(key)
        values[key] = cells[column] if column is not None and column < width else None
    for key in (
        "name",
        "customer_code",
        "address",
        "apartment",
        "block",
        "unit",
        "member_grade",
        "memo",
    ):
        text = cell_text(values[key])
        limit = _TEXT_LIMITS.get(key)
        if limit is not None and len(text) > limit:
            row.refuse(key, _("Use at most %(limit)s characters.") % {"limit": limit})
        values[key] = text
    if not values["name"]:
        row.refuse("name", _("Enter the customer's name."))
    for key in ("mobile", "phone"):
        text = cell_text(values[key])
        try:
            values[key] = normalize_phone(text, field=key)
        except InvalidInput as error:
            values[key] = ""
            row.refuse(key, error.message)
    values["move_in_date"] = _date(row, values["move_in_date"])
    for key in _FLAGS:
        values[key] = _flag(row, key, values[key])
    return row


def _date(row: _Row, value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    word = normalize(text)
    if not word or word in _UNDECIDED:  # empty, "-", "미정"
        return None
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is not None:
        year, month, day = (int(part) for part in match.groups())
        if 1900 <= year <= 2200:
            try:
                return dt.date(year, month, day)
            except ValueError:
                pass
    row.refuse(
        "move_in_date",
        _("%(value)s is not a date: write it as 2024-03-01, or leave it empty (undecided).")
        % {"value": text[:30]},
    )
    return None


def _flag(row: _Row, key: str, value: Any) -> bool:
    if value is None or value is False:
        return False
    if value is True:
        return True
    word = normalize(cell_text(value))
    if not word or word in _NO:
        return False
    if word in _YES:
        return True
    row.refuse(key, _("%(value)s is not Y or N.") % {"value": cell_text(value)[:30]})
    return False


def _registered_numbers(numbers: Iterable[str]) -> dict[str, str]:
    """Number → the name of a customer of the organization holding it as mobile or phone.

    One query per chunk of numbers (not per row): a union of two lookups, so that each uses
    its (organization, mobile) or (organization, phone) index — an OR of both would read every
    customer of the organization.
    """
    wanted = sorted(set(numbers))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), LOOKUP_BATCH):
        part = wanted[start : start + LOOKUP_BATCH]
        by_mobile = Customer.objects.filter(mobile__in=part).values_list("mobile", "name")
        by_phone = Customer.objects.filter(phone__in=part).values_list("phone", "name")
        for number, name in by_mobile.union(by_phone, all=True):
            found.setdefault(number, name)
    return found


@dataclass
class _Check:
    """The running result of a check."""

    upload: CustomerUpload
    rows_file: IO[bytes]
    problems: list[dict[str, Any]] = field(default_factory=list)
    first_seen: dict[str, int] = field(default_factory=dict)
    processed: int = 0
    good: int = 0
    left_out: int = 0
    bad: int = 0

    def finish_chunk(self, chunk: list[_Row]) -> None:
        registered = _registered_numbers(
            n for row in chunk for n in (row.values["mobile"], row.values["phone"]) if n
        )
        policy = self.upload.duplicates
        for row in chunk:
            duplicates: list[tuple[str, str]] = []
            for key in ("mobile", "phone"):
                number = row.values[key]
                if not number:
                    continue
                if number in registered:
                    duplicates.append(
                        (
                            key,
                            _("%(number)s is already registered to %(name)s.")
                            % {"number": format_phone(number), "name": registered[number]},
                        )
                    )
                elif number in self.first_seen and self.first_seen[number] != row.number:
                    duplicates.append(
                        (
                            key,
                            _("%(number)s appears again in the file; row %(row)s has it first.")
                            % {"number": format_phone(number), "row": self.first_seen[number]},
                        )
                    )
                else:
                    self.first_seen.setdefault(number, row.number)
            name = str(row.values["name"])[:50]
            if row.errors or (duplicates and policy == DuplicatePolicy.REPORT):
                self.bad += 1
                for key, message in [*row.errors, *duplicates]:
                    self._problem(row.number, name, key, message, left_out=False)
            elif duplicates:
                self.left_out += 1
                for key, message in duplicates:
                    self._problem(row.number, name, key, message, left_out=True)
            else:
                self.good += 1
                self.rows_file.write(_encode(row.number, row.values))
        self.processed += len(chunk)

    def _problem(self, number: int, name: str, key: str, message: str, *, left_out: bool) -> None:
        self.problems.append(
            {"row": number, "name": name, "field": key, "message": message, "left_out": left_out}
        )


def _encode(number: int, values: Mapping[str, Any]) -> bytes:
    date = values["move_in_date"]
    line = [number, *(values[k] for k in STORED)]
    line[1 + STORED.index("move_in_date")] = date.isoformat() if date else None
    return json.dumps(line, ensure_ascii=False).encode() + b"\n"


def _decode(line: bytes) -> tuple[int, dict[str, Any]]:
    number, *items = json.loads(line)
    values = dict(zip(STORED, items, strict=True))
    if values["move_in_date"]:
        values["move_in_date"] = dt.date.fromisoformat(values["move_in_date"])
    return int(number), values


def run_check(upload_id: int) -> dict[str, int]:
    """The check task: read and check every row, keep the good ones aside, report the rest."""
    upload = CustomerUpload.all_objects.select_related("organization", "uploaded_by").get(
        pk=upload_id
    )
    language = upload.uploaded_by.language if upload.uploaded_by else "ko"
    with tenant_scope(upload.organization), translation.override(language):
        if upload.state != UploadState.CHECKING:
            return {"skipped": 1}
        try:
            return _check(upload)
        except SangdamError as error:
            _fail(upload, error.message)
        except Exception:
            _fail(
                upload, _("The check stopped because of an unexpected error. Nothing was stored.")
            )
            raise
    return {"failed": 1}


def _check(upload: CustomerUpload) -> dict[str, int]:
    mapping = {k: (int(v) if v is not None else None) for k, v in upload.mapping.items()}
    progress = CustomerUpload.objects.filter(pk=upload.pk)
    with (
        tempfile.TemporaryFile() as rows_file,
        UPLOADS.open(upload.token) as source,
        spreadsheet.open_sheet(source, upload.sheet) as reader,
    ):
        estimated = reader.row_count()
        total = max(0, estimated - (upload.first_row - 1)) if estimated is not None else 0
        progress.update(total_rows=total, processed_rows=0)
        check = _Check(upload=upload, rows_file=rows_file)
        chunk: list[_Row] = []
        for number, cells in reader.rows(upload.first_row):
            if spreadsheet.is_empty(cells):
                continue
            if check.processed + len(chunk) >= MAX_ROWS:
                raise spreadsheet.too_many_rows(MAX_ROWS)
            chunk.append(parse_row(number, cells, mapping))
            if len(chunk) >= CHUNK_ROWS:
                check.finish_chunk(chunk)
                chunk = []
                total = max(total, check.processed)
                progress.update(processed_rows=check.processed, total_rows=total)
        check.finish_chunk(chunk)
        if not check.processed:
            raise SpreadsheetError(
                _("Sheet %(sheet)s has no data from row %(row)s on.")
                % {"sheet": reader.name, "row": upload.first_row}
            )
        rows_file.seek(0)
        name = UPLOADS.file_name(upload.token, ROWS_SUFFIX)
        default_storage.delete(name)
        default_storage.save(name, File(rows_file))
    progress.update(
        state=UploadState.CHECKED,
        total_rows=check.processed,
        processed_rows=check.processed,
        good_rows=check.good,
        duplicate_rows=check.left_out,
        bad_rows=check.bad,
        problems=check.problems,
    )
    return {"rows": check.processed, "good": check.good, "bad": check.bad}


def _fail(upload: CustomerUpload, message: str) -> None:
    CustomerUpload.objects.filter(pk=upload.pk).update(
        state=UploadState.FAILED, failure=message[:300], finished_at=timezone.now()
    )
    discard_file(upload.token)


# --------------------------------------------------------------------------------- the preview


@dataclass(frozen=True)
class ProblemRow:
    """One row of the sheet that will not be stored, with every reason."""

    number: int
    name: str
    left_out: bool
    # (field label, message)
    problems: tuple[tuple[str, str], ...]


class ProblemRows(Sequence[ProblemRow]):
    """The rows with errors and the rows left out as duplicates, in sheet order; a page of
    them is built when asked for (an upload of 100,000 duplicates has 200,000 problems)."""

    def __init__(self, problems: Sequence[Mapping[str, Any]]) -> None:
        self._problems = problems
        by_row: dict[int, list[int]] = {}
        for index, item in enumerate(problems):
            by_row.setdefault(int(item["row"]), []).append(index)
        self._rows = sorted(by_row.items())

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> ProblemRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[ProblemRow]: ...

    def __getitem__(self, index: int | slice) -> ProblemRow | list[ProblemRow]:
        if isinstance(index, slice):
            return [self._row(number, items) for number, items in self._rows[index]]
        number, items = self._rows[index]
        return self._row(number, items)

    def _row(self, number: int, indexes: list[int]) -> ProblemRow:
        items = [self._problems[i] for i in indexes]
        return ProblemRow(
            number=number,
            name=str(items[0].get("name", "")),
            left_out=bool(items[0].get("left_out")),
            problems=tuple(
                (str(FIELD_LABELS.get(item.get("field", ""), "")), str(item["message"]))
                for item in items
            ),
        )


def problem_rows(upload: CustomerUpload) -> ProblemRows:
    """The rows with errors and the rows left out as duplicates, in sheet order."""
    return ProblemRows(upload.problems)


def problems_sheet(upload: CustomerUpload) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of the problems download."""
    headers = [_("Row"), _("Customer name"), _("Column"), _("Problem"), _("Result")]
    rows = [
        [
            item["row"],
            item.get("name", ""),
            str(FIELD_LABELS.get(item.get("field", ""), "")),
            item["message"],
            _("Left out (duplicate)") if item.get("left_out") else _("Error"),
        ]
        for item in sorted(upload.problems, key=lambda i: int(i["row"]))
    ]
    return headers, rows


@dataclass(frozen=True)
class GoodRow:
    number: int
    values: dict[str, Any]


def good_rows(upload: CustomerUpload, limit: int = GOOD_ROWS_SHOWN) -> list[GoodRow]:
    """The first ``limit`` rows that would be stored, as checked."""
    name = UPLOADS.file_name(upload.token, ROWS_SUFFIX)
    if upload.state != UploadState.CHECKED or not default_storage.exists(name):
        return []
    shown: list[GoodRow] = []
    with default_storage.open(name, "rb") as stored:
        for line in stored:
            if len(shown) >= limit:
                break
            number, values = _decode(line)
            values["mobile"] = format_phone(values["mobile"])
            values["phone"] = format_phone(values["phone"])
            shown.append(GoodRow(number, values))
    return shown


def progress_of(upload: CustomerUpload) -> tuple[int, int]:
    """(processed, total) rows of the running step; the save reports through a file, since its
    one transaction hides the upload's own fields until it commits."""
    processed, total = upload.processed_rows, upload.total_rows
    if upload.state == UploadState.SAVING:
        name = UPLOADS.file_name(upload.token, PROGRESS_SUFFIX)
        try:
            with default_storage.open(name, "rb") as stored:
                processed = max(processed, int(stored.read().decode() or 0))
        except (FileNotFoundError, ValueError, OSError):
            pass
    return min(processed, total) if total else processed, total


# ---------------------------------------------------------------------------------- the save


def confirm_upload(
    actor: Actor, pk: int, *, keep_good_rows: bool | None = None
) -> tuple[CustomerUpload, bool]:
    """Start saving a checked upload; returns it and whether this call started the save.

    A second confirmation (a double click, another tab) finds the upload saving or saved and
    starts nothing: the state is checked and changed under a row lock and a conditional update.

    :raises NotAllowed: the account lacks the upload permission.
    :raises NotFound: no such upload in the organization.
    :raises UploadRefused: rows have errors and all or nothing was asked, or no row is good.
    """
    from sangdam.crm.tasks import save_customer_upload  # noqa: PLC0415 -- tasks import this

    _require_uploader(actor.user)
    with transaction.atomic():
        upload = CustomerUpload.objects.select_for_update().filter(pk=pk).first()
        if upload is None:
            raise NotFound(_("The upload does not exist."))
        if upload.state in (UploadState.SAVING, UploadState.DONE):
            return upload, False
        if upload.state != UploadState.CHECKED:
            raise UploadRefused(_("This upload cannot be saved; upload the file again."))
        keep = upload.keep_good_rows if keep_good_rows is None else keep_good_rows
        if upload.bad_rows and not keep:
            raise UploadRefused(
                _(
                    "Nothing was saved: %(bad)s rows have errors. Correct them and upload the "
                    "file again, or save only the good rows."
                )
                % {"bad": upload.bad_rows}
            )
        if not upload.good_rows:
            raise UploadRefused(_("Nothing can be saved: there is no valid row."))
        changed = CustomerUpload.objects.filter(pk=pk, state=UploadState.CHECKED).update(
            state=UploadState.SAVING,
            keep_good_rows=keep,
            processed_rows=0,
            total_rows=upload.good_rows,
        )
        upload.refresh_from_db()
        if not changed:
            return upload, False
        user_id, ip = actor.user.pk, actor.ip
        transaction.on_commit(
            lambda: save_customer_upload.enqueue(upload_id=pk, user_id=user_id, ip=ip)
        )
    return upload, True


def run_save(upload_id: int, user_id: int, ip: str) -> dict[str, int]:
    """The save task: insert the checked rows as customers, in one transaction."""
    upload = CustomerUpload.all_objects.select_related("organization").get(pk=upload_id)
    user = User.all_objects.get(pk=user_id)
    with tenant_scope(upload.organization), translation.override(user.language):
        if upload.state != UploadState.SAVING:
            return {"skipped": 1}
        try:
            created = _save(upload, Actor(user=user, ip=ip))
        except _SavedAlready:
            return {"skipped": 1}
        except SangdamError as error:
            _fail(upload, error.message)
            return {"failed": 1}
        except Exception:
            _fail(upload, _("The save stopped because of an unexpected error. Nothing was stored."))
            raise
        discard_file(upload.token)
    return {"created": created}


def _save(upload: CustomerUpload, actor: Actor) -> int:
    rows_name = UPLOADS.file_name(upload.token, ROWS_SUFFIX)
    if not default_storage.exists(rows_name):
        raise SpreadsheetError(_("The uploaded file is no longer available. Upload it again."))
    created = left_out = bad = 0
    problems: list[dict[str, Any]] = list(upload.problems)
    with (
        record_work(actor, WorkScreen.CUSTOMER_UPLOAD, WorkAction.CREATE) as work,
        default_storage.open(rows_name, "rb") as stored,
    ):
        work.detail = f"upload {upload.pk} {upload.file_name}"
        for chunk in _chunks(stored, CHUNK_ROWS):
            rows = [_decode(line) for line in chunk]
            # Customers registered since the check (by an agent, meanwhile) are duplicates too.
            registered = _registered_numbers(
                n for _number, values in rows for n in (values["mobile"], values["phone"]) if n
            )
            fresh = []
            for number, values in rows:
                clash = [values[k] for k in ("mobile", "phone") if values[k] in registered]
                if not clash:
                    fresh.append(values)
                    continue
                report = upload.duplicates == DuplicatePolicy.REPORT
                if report and not upload.keep_good_rows:
                    raise UploadRefused(
                        _(
                            "Nothing was saved: %(number)s (row %(row)s) was registered to "
                            "%(name)s after the check. Check the file again."
                        )
                        % {
                            "number": format_phone(clash[0]),
                            "row": number,
                            "name": registered[clash[0]],
                        }
                    )
                left_out += 0 if report else 1
                bad += 1 if report else 0
                problems.append(
                    {
                        "row": number,
                        "name": values["name"],
                        "field": "mobile" if values["mobile"] in registered else "phone",
                        "message": _("%(number)s is already registered to %(name)s.")
                        % {"number": format_phone(clash[0]), "name": registered[clash[0]]},
                        "left_out": not report,
                    }
                )
            insert_instances(
                Customer,
                (
                    Customer(
                        organization_id=upload.organization_id, created_by=actor.user, **values
                    )
                    for values in fresh
                ),
            )
            created += len(fresh)
            _report_progress(upload.token, created + left_out + bad)
        finished = CustomerUpload.objects.filter(pk=upload.pk, state=UploadState.SAVING).update(
            state=UploadState.DONE,
            created_count=created,
            processed_rows=upload.good_rows,
            total_rows=upload.good_rows,
            good_rows=created,
            duplicate_rows=upload.duplicate_rows + left_out,
            bad_rows=upload.bad_rows + bad,
            problems=problems,
            finished_at=timezone.now(),
        )
        if not finished:
            # Another worker saved it meanwhile; this transaction is rolled back.
            raise _SavedAlready
        work.detail += (
            f": {created} customers created, {upload.duplicate_rows + left_out} duplicates left"
            f" out, {upload.bad_rows + bad} rows with errors skipped"
        )
    return created


def _chunks(lines: Iterable[bytes], size: int) -> Iterator[list[bytes]]:
    chunk: list[bytes] = []
    for line in lines:
        if line.strip():
            chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _report_progress(token: str, processed: int) -> None:
    name = UPLOADS.file_name(token, PROGRESS_SUFFIX)
    default_storage.delete(name)
    default_storage.save(name, ContentFile(str(processed).encode()))


def discard_upload(actor: Actor, pk: int) -> None:
    """Forget a checked or failed upload and its files; nothing was stored from it."""
    _require_uploader(actor.user)
    upload = load_upload(pk)
    if upload.state in IN_PROGRESS or upload.state == UploadState.DONE:
        raise UploadRefused(_("This upload cannot be discarded now."))
    discard_file(upload.token)
    upload.delete()


def reopen_upload(actor: Actor, pk: int) -> UploadSettings:
    """Back to the columns of a checked upload, with the same file: the check is forgotten.

    :raises UploadRefused: the upload is not waiting for confirmation.
    :raises SpreadsheetError: its file is gone.
    """
    _require_uploader(actor.user)
    upload = load_upload(pk)
    if upload.state != UploadState.CHECKED:
        raise UploadRefused(_("This upload cannot be changed now."))
    if not UPLOADS.exists(upload.token):
        raise SpreadsheetError(_("The uploaded file is no longer available. Upload it again."))
    default_storage.delete(UPLOADS.file_name(upload.token, ROWS_SUFFIX))
    chosen = UploadSettings(
        token=upload.token,
        file_name=upload.file_name,
        sheet=upload.sheet,
        first_row=upload.first_row,
        mapping=dict(upload.mapping),
        duplicates=DuplicatePolicy(upload.duplicates),
        keep_good_rows=upload.keep_good_rows,
    )
    upload.delete()
    return chosen


# ---------------------------------------------------------------------------------- template


TEMPLATE_EXAMPLES: tuple[dict[str, str], ...] = (
    {
        "name": "홍길동",
        "mobile": "010-1234-5678",
        "phone": "02-123-4567",
        "address": "서울특별시 강남구 테헤란로 123",
        "apartment": "래미안아파트",
        "block": "101",
        "unit": "1203",
        "move_in_date": "2024-03-01",
        "sms_opt_out": "N",
        "is_vip": "Y",
        "needs_caution": "N",
        "member_grade": "골드",
        "customer_code": "C0001",
        "memo": "오전 통화 선호",
    },
    {
        "name": "김영희",
        "mobile": "010-9876-5432",
        "apartment": "래미안아파트",
        "block": "102",
        "unit": "504",
        "sms_opt_out": "Y",
    },
)

_GUIDE: dict[str, Any] = {
    "name": gettext_lazy("Required. At most 50 characters."),
    "mobile": gettext_lazy(
        "010-1234-5678, with or without hyphens. A number already registered is left out or "
        "reported, as you choose."
    ),
    "phone": gettext_lazy("02-123-4567, with or without hyphens."),
    "address": gettext_lazy("Optional. At most 200 characters."),
    "apartment": gettext_lazy("Optional. At most 50 characters."),
    "block": gettext_lazy("Optional, e.g. 101."),
    "unit": gettext_lazy("Optional, e.g. 1203."),
    "move_in_date": gettext_lazy("2024-03-01 (or 2024.03.01); empty or 미정: undecided."),
    "sms_opt_out": gettext_lazy("Y or N (empty: N)."),
    "is_vip": gettext_lazy("Y or N (empty: N)."),
    "needs_caution": gettext_lazy("Y or N (empty: N)."),
    "member_grade": gettext_lazy("Optional. At most 30 characters."),
    "customer_code": gettext_lazy("Optional. At most 30 characters."),
    "memo": gettext_lazy("Optional."),
}


def template_workbook() -> bytes:
    """An empty customer list with the headers the upload recognizes, and two examples."""
    return spreadsheet.template_workbook(
        title=_("Customers"), fields=FIELDS, examples=TEMPLATE_EXAMPLES, guide=_GUIDE
    )
