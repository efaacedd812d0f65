"""The shared workbook reading the customer upload stands on (sangdam.core.spreadsheet)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from io import BytesIO
from typing import Any

import pytest
from django.utils import translation
from openpyxl import Workbook

from sangdam.core import spreadsheet
from sangdam.core.spreadsheet import SpreadsheetError


def written(rows: list[list[Any]], *, write_only: bool = False) -> bytes:
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("명단") if write_only else workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_dimension(content: bytes, ref: str) -> bytes:
    """The same workbook claiming another size, as some programs write it."""
    source = zipfile.ZipFile(BytesIO(content))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
            target.writestr(item.filename, data)
    return buffer.getvalue()


ROWS: list[list[Any]] = [
    ["고객명", "휴대폰"],
    ["가", "010-1111-2222"],
    [],
    ["나", None],
    ["다", 1012345678],
]


@pytest.mark.parametrize("write_only", [False, True])
def test_open_sheet_reads_every_row_with_excel_row_numbers(write_only: bool) -> None:
    with spreadsheet.open_sheet(BytesIO(written(ROWS, write_only=write_only))) as reader:
        rows = [(n, v) for n, v in reader.rows(2) if not spreadsheet.is_empty(v)]
        counted = reader.row_count()

    assert [n for n, _v in rows] == [2, 4, 5]
    assert [spreadsheet.cell_text(v[0]) for _n, v in rows] == ["가", "나", "다"]
    assert spreadsheet.cell_text(rows[2][1][1]) == "1012345678"
    assert counted in (4, 5)  # the empty row 3 may or may not be written


def test_open_sheet_reads_past_a_wrong_size_in_the_file() -> None:
    content = with_dimension(written(ROWS), "A1")

    with spreadsheet.open_sheet(BytesIO(content)) as reader:
        numbers = [n for n, v in reader.rows(1) if not spreadsheet.is_empty(v)]

    assert numbers == [1, 2, 4, 5]


def test_open_sheet_names_a_missing_sheet() -> None:
    with (
        translation.override("en"),
        pytest.raises(SpreadsheetError, match="no sheet named 고객"),
        spreadsheet.open_sheet(BytesIO(written(ROWS)), "고객"),
    ):
        pass


@pytest.mark.parametrize(
    ("name", "head", "message"),
    [
        ("list.xls", b"\xd0\xcf\x11\xe0", "old Excel format (.xls)"),
        ("list.xlsx", b"\xd0\xcf\x11\xe0", "old Excel format (.xls)"),
        ("list.csv", b"name,mob", "is not one."),
        ("list.xlsx", b"name,mob", "is not an Excel workbook"),
    ],
)
def test_check_upload_says_what_is_wrong(name: str, head: bytes, message: str) -> None:
    with translation.override("en"), pytest.raises(SpreadsheetError, match=re.escape(message)):
        spreadsheet.check_upload(name, 100, head)


def test_check_upload_limits_the_size() -> None:
    with translation.override("en"), pytest.raises(SpreadsheetError, match="limit is 1 MB"):
        spreadsheet.check_upload("a.xlsx", 2 * 1024 * 1024, b"PK\x03\x04", max_bytes=1024 * 1024)


def test_upload_folder_keeps_a_file_under_a_token_and_discards_it_with_companions(
    settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    folder = spreadsheet.UploadFolder("private/test-uploads")

    token = folder.store(BytesIO(b"PK\x03\x04 workbook"))
    (tmp_path / "private" / "test-uploads" / f"{token}.rows").write_bytes(b"rows")
    with folder.open(token) as stored:
        assert stored.read() == b"PK\x03\x04 workbook"
    folder.discard(token, ".rows")

    assert list((tmp_path / "private" / "test-uploads").iterdir()) == []
    with translation.override("en"), pytest.raises(SpreadsheetError, match="no longer available"):
        folder.file_name("../../etc/passwd")


def test_cell_text_writes_cells_as_people_read_them() -> None:
    moment = dt.datetime(2024, 3, 1, 9, 30)  # noqa: DTZ001 -- Excel cells have no zone
    midnight = dt.datetime(2024, 3, 2)  # noqa: DTZ001
    cells = (None, " 가 ", 101.0, 1.5, True, moment, midnight, dt.date(2024, 3, 1))

    texts = [spreadsheet.cell_text(v) for v in cells]

    assert texts == [
        "",
        "가",
        "101",
        "1.5",
        "TRUE",
        "2024-03-01 09:30:00",
        "2024-03-02",
        "2024-03-01",
    ]
