"""Reading uploaded Excel workbooks (.xlsx), shared by every import of the apps.

``check_upload`` refuses what is not an .xlsx file before it is stored; an ``UploadFolder``
keeps the file under a random token between the steps of an import (never a client path);
``open_sheet`` streams one sheet row by row in openpyxl's read-only mode, so that a sheet of
100,000 rows never sits in memory; ``read_table`` reads a small sheet whole from its header
row on; ``guess_columns`` matches headers to an app's fields (Korean or English, as
``FieldSpec`` says); ``template_workbook`` builds the empty list users fill in.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from sangdam.core.errors import SangdamError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
XLSX_SIGNATURE = b"PK\x03\x04"
# The old binary Excel format (.xls) starts with the OLE2 compound-file signature.
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_PUNCTUATION = re.compile(r"[\s·ㆍ・/\\()\[\]{}\-_.,:;*#'\"]+")


class SpreadsheetError(SangdamError):
    """The uploaded file cannot be read as an Excel workbook, or the sheet is unusable."""


# ------------------------------------------------------------------------------------ the file


def check_upload(name: str, size: int, head: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse a file that is not an .xlsx workbook of acceptable size, before storing it.

    :raises SpreadsheetError: with a message saying what is wrong with the file.
    """
    lowered = name.lower()
    if lowered.endswith(".xls") or head.startswith(XLS_SIGNATURE):
        raise SpreadsheetError(
            _(
                "Upload an Excel workbook (.xlsx). %(name)s is not one: it is in the old Excel "
                "format (.xls), which cannot be read. Open it in Excel, save it as “Excel "
                "Workbook (*.xlsx)” and upload that file."
            )
            % {"name": name}
        )
    if not lowered.endswith(".xlsx"):
        raise SpreadsheetError(
            _("Upload an Excel workbook (.xlsx). %(name)s is not one.") % {"name": name}
        )
    if size > max_bytes:
        raise SpreadsheetError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": max_bytes // 1024 // 1024}
        )
    if size == 0 or not head.startswith(XLSX_SIGNATURE):
        raise SpreadsheetError(
            _("%(name)s is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again.")
            % {"name": name}
        )


@dataclass(frozen=True)
class UploadFolder:
    """Where an import keeps uploaded workbooks (and files derived from them) between steps.

    Files are named by a random token; companions of an upload share its token with another
    suffix. Files older than ``ttl`` are removed whenever a new upload is stored.
    """

    path: str
    ttl: dt.timedelta = dt.timedelta(days=1)

    def store(self, content: IO[bytes]) -> str:
        """Keep an uploaded workbook until the import is confirmed; returns its random token."""
        self.remove_stale()
        token = secrets.token_hex(16)
        default_storage.save(self.file_name(token), ContentFile(content.read()))
        return token

    def file_name(self, token: str, suffix: str = ".xlsx") -> str:
        if not _TOKEN.match(token):
            raise SpreadsheetError(_("The uploaded file is no longer available. Upload it again."))
        return f"{self.path}/{token}{suffix}"

    def exists(self, token: str, suffix: str = ".xlsx") -> bool:
        return bool(_TOKEN.match(token)) and default_storage.exists(self.file_name(token, suffix))

    @contextmanager
    def open(self, token: str) -> Iterator[IO[bytes]]:
        """The stored workbook of ``token`` (a token, never a path from the client).

        :raises SpreadsheetError: the token is malformed or the file is gone (expired or used).
        """
        if not self.exists(token):
            raise SpreadsheetError(_("The uploaded file is no longer available. Upload it again."))
        with default_storage.open(self.file_name(token), "rb") as stored:
            yield BytesIO(stored.read())

    def discard(self, token: str, *suffixes: str) -> None:
        """Remove the workbook of ``token`` and its companions with the given suffixes."""
        if not _TOKEN.match(token):
            return
        for suffix in (".xlsx", *suffixes):
            default_storage.delete(self.file_name(token, suffix))

    def remove_stale(self) -> None:
        try:
            _folders, files = default_storage.listdir(self.path)
        except (FileNotFoundError, NotImplementedError):
            return
        limit = timezone.now() - self.ttl
        for name in files:
            path = f"{self.path}/{name}"
            try:
                if default_storage.get_modified_time(path) < limit:
                    default_storage.delete(path)
            except (FileNotFoundError, NotImplementedError):
                continue


# --------------------------------------------------------------------------------- reading


class _UnsizedSheet(ReadOnlyWorksheet):
    """A read-only sheet that does not look for its size when the workbook is opened.

    openpyxl reads the size from the sheet's <dimension> element; in a file without one (many
    programs write none) it parses the whole sheet to find out, for every sheet, before a row
    is read — doubling the time a sheet of 100,000 rows takes. Rows are read to the end
    anyway (``open_sheet``), so the size is not needed.
    """

    def _get_size(self) -> None:
        return None


class _Reader(ExcelReader):
    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            worksheet = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state or "visible"
            self.wb._sheets.append(worksheet)  # type: ignore[attr-defined]


def open_workbook(source: IO[bytes]) -> Any:
    """The workbook in openpyxl's read-only mode (values, not formulas); close it after use.

    :raises SpreadsheetError: the file is not a readable .xlsx workbook.
    """
    try:
        reader = _Reader(source, read_only=True, data_only=True, keep_links=False)
        reader.read()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise SpreadsheetError(
            _("The file cannot be read as an Excel workbook (.xlsx). Save it as .xlsx again.")
        ) from error
    return reader.wb


@dataclass
class SheetReader:
    """One sheet of an open workbook, read row by row."""

    name: str
    sheets: tuple[str, ...]
    worksheet: Any

    def rows(self, start: int = 1) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """(Excel row number, cell values) of every row from ``start`` on, empty ones included
        (as an empty tuple or Nones) so that the numbers stay those Excel shows."""
        number = start
        for values in self.worksheet.iter_rows(min_row=start, values_only=True):
            yield number, tuple(values)
            number += 1

    def row_count(self) -> int | None:
        """How many rows the sheet's file holds (empty formatted rows included), counted fast
        in its XML; ``None`` when that cannot be read. An estimate for progress bars."""
        try:
            archive = self.worksheet.parent._archive
            count = 0
            tail = b""
            with archive.open(self.worksheet._worksheet_path) as xml:
                while chunk := xml.read(1 << 20):
                    # The end of the previous chunk is read again, for a tag cut in two;
                    # the tags wholly inside it were counted already.
                    block = tail + chunk
                    count += _row_tags(block) - _row_tags(tail)
                    tail = block[-8:]
            return count
        except (AttributeError, KeyError, OSError, zipfile.BadZipFile):
            return None


def _row_tags(xml: bytes) -> int:
    return xml.count(b"<row ") + xml.count(b"<row>")


@contextmanager
def open_sheet(source: IO[bytes], sheet: str = "") -> Iterator[SheetReader]:
    """The sheet named ``sheet`` (the first when empty) of the workbook in ``source``.

    :raises SpreadsheetError: the file is not a workbook, or has no such sheet.
    """
    workbook = open_workbook(source)
    try:
        names = tuple(str(n) for n in workbook.sheetnames)
        if not names:
            raise SpreadsheetError(_("The workbook has no sheet."))
        chosen = sheet or names[0]
        if chosen not in names:
            raise SpreadsheetError(
                _("The workbook has no sheet named %(sheet)s.") % {"sheet": chosen}
            )
        worksheet = workbook[chosen]
        # No size (see _UnsizedSheet): every row in the file is read, also where the size a
        # program wrote is wrong (some write "A1"), where read-only mode would stop.
        worksheet.reset_dimensions()
        yield SheetReader(name=chosen, sheets=names, worksheet=worksheet)
    finally:
        workbook.close()


@dataclass(frozen=True)
class Table:
    """One sheet read from its header row on: headers and the non-empty rows below them."""

    sheet: str
    sheets: tuple[str, ...]
    header_row: int
    headers: tuple[str, ...]
    # (Excel row number, cell values) for every row with at least one value.
    rows: tuple[tuple[int, tuple[Any, ...]], ...]

    def column_label(self, index: int) -> str:
        header = self.headers[index] if index < len(self.headers) else ""
        return column_label(index, header)


def column_label(index: int, header: str = "") -> str:
    """How a column is named to people: its letter, and its header when it has one."""
    letter = get_column_letter(index + 1)
    return f"{letter}: {header}" if header else letter


def is_empty(values: Sequence[Any]) -> bool:
    return all(cell_text(v) == "" for v in values)


def read_table(
    source: IO[bytes], *, sheet: str = "", header_row: int = 1, max_rows: int = MAX_ROWS
) -> Table:
    """Read one sheet (the first when ``sheet`` is empty) from ``header_row`` on.

    :raises SpreadsheetError: the file is not a workbook, the sheet does not exist, the header
        row is empty, or there are more than ``max_rows`` rows.
    """
    if header_row < 1:
        raise SpreadsheetError(_("The header row must be 1 or more."))
    with open_sheet(source, sheet) as reader:
        chosen = reader.name
        headers: tuple[str, ...] | None = None
        rows: list[tuple[int, tuple[Any, ...]]] = []
        for number, values in reader.rows(header_row):
            if number == header_row:
                headers = tuple(cell_text(v) for v in values)
                continue
            if is_empty(values):
                continue
            if len(rows) >= max_rows:
                raise too_many_rows(max_rows)
            rows.append((number, values))
    if headers is None or not any(headers):
        raise SpreadsheetError(
            _("Row %(row)s of sheet %(sheet)s is empty; choose the row that holds the headers.")
            % {"row": header_row, "sheet": chosen}
        )
    width = max([len(headers), *(len(values) for _n, values in rows)])
    headers = headers + ("",) * (width - len(headers))
    while (
        headers
        and not headers[-1]
        and all(
            len(values) < len(headers) or cell_text(values[len(headers) - 1]) == ""
            for _n, values in rows
        )
    ):
        headers = headers[:-1]
    return Table(
        sheet=chosen, sheets=reader.sheets, header_row=header_row, headers=headers, rows=tuple(rows)
    )


def too_many_rows(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        _("The sheet has more than %(limit)s rows. Split it into several files.")
        % {"limit": f"{limit:,}"}
    )


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing ".0", dates as ISO (without a midnight time),
    empty cells as ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        # Excel keeps every date as a date and time; a date alone reads as one.
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def normalize(text: str) -> str:
    """A header or keyword as compared: lower case, without spaces and punctuation."""
    return _PUNCTUATION.sub("", text).lower()


# ---------------------------------------------------------------------------- column mapping


@dataclass(frozen=True)
class FieldSpec:
    """A field an import fills, and the header names it is recognized by."""

    key: str
    label: str | Promise
    # Header names this field is recognized by, in Korean and English (compared normalized).
    aliases: tuple[str, ...]
    required: bool = False


def _alias_may_be_contained(alias: str) -> bool:
    # A Korean word of two letters (국가, 부스) is specific; an English one must be longer.
    return len(alias) >= (4 if alias.isascii() else 2)


def _aliases(spec: FieldSpec) -> set[str]:
    """The field's known header names and its own label in every language (the template's)."""
    names = {normalize(a) for a in spec.aliases}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(normalize(str(spec.label)))
    names.discard("")
    return names


def guess_columns(headers: Sequence[str], fields: Sequence[FieldSpec]) -> dict[str, int | None]:
    """Which column holds which field, from the headers' names in Korean or English.

    Exact names win over names that only contain a known word; each column and field is used
    at most once.
    """
    candidates: list[tuple[int, int, int, str]] = []  # (score, -column, -order, key)
    aliases = [_aliases(spec) for spec in fields]
    for column, header in enumerate(headers):
        name = normalize(header)
        if not name:
            continue
        for order, spec in enumerate(fields):
            score = 0
            for alias in aliases[order]:
                if name == alias:
                    score = max(score, 1000)
                elif _alias_may_be_contained(alias) and alias in name:
                    score = max(score, len(alias))
            if score:
                candidates.append((score, -column, -order, spec.key))
    mapping: dict[str, int | None] = {f.key: None for f in fields}
    used: set[int] = set()
    for _score, negative_column, _order, key in sorted(candidates, reverse=True):
        column = -negative_column
        if mapping[key] is None and column not in used:
            mapping[key] = column
            used.add(column)
    return mapping


# ---------------------------------------------------------------------------------- template


def template_workbook(
    *,
    title: str,
    fields: Sequence[FieldSpec],
    examples: Sequence[Mapping[str, str]],
    guide: Mapping[str, str | Promise],
) -> bytes:
    """An empty list with the headers an import recognizes, example rows, and a guide sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([str(f.label) for f in fields])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for example in examples:
        sheet.append([example.get(f.key, "") for f in fields])
    for index, spec in enumerate(fields, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(str(spec.label)) + 6)
    notes = workbook.create_sheet(_("Guide")[:31])
    notes.append([_("Column"), _("Required"), _("What to write")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for spec in fields:
        notes.append([str(spec.label), _("Yes") if spec.required else "", str(guide[spec.key])])
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["C"].width = 90
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
