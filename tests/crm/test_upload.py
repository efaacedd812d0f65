"""Customer upload from Excel (CC-42): the permitted account only, checked, previewed, confirmed."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook, load_workbook

from sangdam.accounts.enums import WorkAction, WorkResult, WorkScreen
from sangdam.accounts.models import User, WorkEvent
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm import uploading
from sangdam.crm.enums import DuplicatePolicy, UploadState
from sangdam.crm.errors import NotAllowed
from sangdam.crm.models import Customer, CustomerUpload
from tests.crm.crm import actor, make_agent, make_customer

HEADERS = [
    "고객명",
    "휴대폰",
    "전화번호",
    "주소",
    "아파트(빌딩)",
    "동",
    "호",
    "입주일",
    "SMS수신거부",
    "VIP",
    "주의",
    "회원등급",
    "고객ID",
    "메모",
]


def good_row(i: int) -> list[Any]:
    return [
        f"고객{i}",
        f"010-5555-{i:04d}",
        "",
        "서울시 강남구",
        "래미안",
        "101",
        str(1000 + i),
        "2024-03-01",
        "N",
        "N",
        "N",
        "일반",
        f"C{i:04d}",
        "",
    ]


def workbook_bytes(
    rows: list[list[Any]], *, title: str = "고객", before: int = 0, extra: str = ""
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for _ in range(before):
        sheet.append(["2031 입주자 명단"])
    for row in rows:
        sheet.append(row)
    if extra:
        workbook.create_sheet(extra)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_of(*rows: list[Any], **options: Any) -> bytes:
    return workbook_bytes([HEADERS, *rows], **options)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def uploader(organization: Organization) -> User:
    """The one account with the upload permission; reads the pages in English."""
    return make_agent(organization, "uploader", can_upload_customers=True, language="en")


@pytest.fixture
def client(client_of: Any, uploader: User) -> Client:
    return client_of(uploader)


class Steps:
    """The pages of the upload, as the permitted account goes through them.

    Each POST runs inside ``django_capture_on_commit_callbacks``: the tasks enqueued when the
    request's transaction commits run then (the immediate backend runs them at once).
    """

    def __init__(self, client: Client, capture: Any) -> None:
        self.client = client
        self.capture = capture

    def post(self, url: str, data: dict[str, Any], **options: Any) -> Any:
        with self.capture(execute=True):
            return self.client.post(url, data, **options)

    def send_file(self, content: bytes, name: str = "고객.xlsx") -> Any:
        return self.post(
            "/crm/upload/", {"action": "upload", "file": SimpleUploadedFile(name, content)}
        )

    def choose_sheet(self, sheet: str = "고객", first_row: int = 2) -> Any:
        return self.post(
            "/crm/upload/", {"action": "sheet", "sheet": sheet, "first_row": str(first_row)}
        )

    def check(self, content: bytes, *, first_row: int = 2, **changes: Any) -> CustomerUpload:
        """Upload, choose the sheet and row, keep the guessed columns and check every row."""
        assert self.send_file(content).status_code == 302
        sheet = self.client.get("/crm/upload/").context["form"]["sheet"].value()
        assert self.choose_sheet(sheet, first_row).status_code == 302
        page = self.client.get("/crm/upload/")
        assert page.status_code == 200
        assert page.context["step"] == 3
        response = self.post("/crm/upload/", {**mapping_data(page, **changes), "action": "check"})
        assert response.status_code == 302, response.content.decode()[:2000]
        return upload_of(response)

    def confirm(self, upload: CustomerUpload, **data: str) -> Any:
        """Confirm, let the save task run, and open the upload's page as it reloads."""
        response = self.post(f"/crm/upload/{upload.pk}/confirm/", data)
        assert response.status_code == 302, response.content.decode()[:2000]
        return self.client.get(response["Location"])


@pytest.fixture
def steps(client: Client, django_capture_on_commit_callbacks: Any) -> Steps:
    return Steps(client, django_capture_on_commit_callbacks)


def mapping_data(page: Any, **changes: Any) -> dict[str, Any]:
    """What the browser posts from the mapping form as the page filled it in."""
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    if not data.get("keep_good_rows"):
        data.pop("keep_good_rows")
    data.update(changes)
    return data


def upload_of(response: Any) -> CustomerUpload:
    pk = int(response["Location"].rstrip("/").split("/")[-1])
    return CustomerUpload.all_objects.get(pk=pk)


def customers(organization: Organization) -> list[Customer]:
    with tenant_scope(organization):
        return list(Customer.objects.order_by("name"))


# ------------------------------------------------------------------------------ the AC of CC-42


def test_upload_the_permitted_account_uploads_ten_rows_and_ten_customers_appear(
    steps: Steps, client: Client, uploader: User, organization: Organization
) -> None:
    upload = steps.check(sheet_of(*[good_row(i) for i in range(1, 11)]))

    assert upload.state == UploadState.CHECKED
    assert (upload.good_rows, upload.bad_rows, upload.duplicate_rows) == (10, 0, 0)
    assert customers(organization) == []  # nothing stored before the confirmation
    preview = client.get(f"/crm/upload/{upload.pk}/")
    assert len(preview.context["good_rows"]) == 10
    assert "Save 10 customers" in preview.content.decode()

    page = steps.confirm(upload)

    assert page.status_code == 200
    stored = customers(organization)
    assert len(stored) == 10
    first = next(c for c in stored if c.name == "고객1")
    assert (first.mobile, first.apartment, first.block, first.unit) == (
        "01055550001",
        "래미안",
        "101",
        "1001",
    )
    assert first.move_in_date == dt.date(2024, 3, 1)
    assert first.customer_code == "C0001"
    assert first.created_by == uploader
    upload.refresh_from_db()
    assert upload.state == UploadState.DONE
    assert upload.created_count == 10
    assert "10 customers were registered." in page.content.decode()
    event = WorkEvent.all_objects.get(screen=WorkScreen.CUSTOMER_UPLOAD)
    assert (event.action, event.result, event.actor) == (
        WorkAction.CREATE,
        WorkResult.SUCCESS,
        uploader,
    )
    assert "10 customers created" in event.detail


@pytest.mark.parametrize("flag", [False, True])
def test_upload_other_accounts_cannot_see_nor_use_it(
    steps: Steps,
    client_of: Any,
    organization: Organization,
    admin: User,
    agent: User,
    uploader: User,
    flag: bool,
) -> None:
    upload = steps.check(sheet_of(good_row(1)))
    other = admin if flag else agent
    refused = client_of(other)
    file = SimpleUploadedFile("a.xlsx", sheet_of(good_row(2)))

    pages = [
        refused.get("/crm/upload/"),
        refused.get("/crm/upload/template.xlsx"),
        refused.get(f"/crm/upload/{upload.pk}/"),
        refused.get(f"/crm/upload/{upload.pk}/progress/"),
        refused.get(f"/crm/upload/{upload.pk}/problems.xlsx"),
        refused.post("/crm/upload/", {"action": "upload", "file": file}),
        refused.post(f"/crm/upload/{upload.pk}/confirm/"),
        refused.post(f"/crm/upload/{upload.pk}/discard/"),
    ]  # fmt: skip

    assert [p.status_code for p in pages] == [403] * len(pages)
    assert customers(organization) == []
    assert CustomerUpload.all_objects.count() == 1
    upload.refresh_from_db()
    assert upload.state == UploadState.CHECKED


def test_upload_service_refuses_an_account_without_the_permission(
    agent: User, scoped: None
) -> None:
    with translation.override("en"), pytest.raises(NotAllowed, match="permission"):
        uploading.receive_file(actor(agent), BytesIO(sheet_of(good_row(1))), name="a.xlsx", size=9)


def test_upload_another_tenants_upload_is_not_found(
    steps: Steps, client: Client, other_organization: Organization
) -> None:
    upload = steps.check(sheet_of(good_row(1)))
    stranger = make_agent(other_organization, "up2", can_upload_customers=True)
    other = Client()
    other.force_login(stranger)

    assert other.get(f"/crm/upload/{upload.pk}/").status_code == 404
    assert other.get(f"/crm/upload/{upload.pk}/problems.xlsx").status_code == 404
    assert other.post(f"/crm/upload/{upload.pk}/confirm/").status_code == 404
    assert other.post(f"/crm/upload/{upload.pk}/discard/").status_code == 404
    upload.refresh_from_db()
    assert upload.state == UploadState.CHECKED


# ---------------------------------------------------------------------------- bad rows reported


BAD_ROWS: list[list[Any]] = [
    good_row(1),
    ["", "010-5555-0002", "", "", "", "", "", "", "", "", "", "", "", ""],  # row 3: no name
    ["박철수", "010-12", "", "", "", "", "", "", "", "", "", "", "", ""],  # row 4: bad mobile
    ["이영희", "", "", "", "", "", "", "2024-13-45", "", "", "", "", "", ""],  # row 5: bad date
    ["최민수", "", "", "", "", "", "", "", "maybe", "", "", "", "", ""],  # row 6: bad flag
    ["정다은", "", "", "", "", "1" * 21, "", "", "", "", "", "", "", ""],  # row 7: long block
]


def test_upload_reports_every_bad_row_with_its_row_number_and_field(
    steps: Steps, client: Client, organization: Organization
) -> None:
    upload = steps.check(sheet_of(*BAD_ROWS))

    assert (upload.good_rows, upload.bad_rows) == (1, 5)
    problems = {(p["row"], p["field"]) for p in upload.problems}
    assert problems == {
        (3, "name"),
        (4, "mobile"),
        (5, "move_in_date"),
        (6, "sms_opt_out"),
        (7, "block"),
    }
    page = client.get(f"/crm/upload/{upload.pk}/").content.decode()
    assert 'data-testid="problem-row-4"' in page
    assert "010-12 is not a valid phone number." in page
    assert "2024-13-45 is not a date" in page
    assert "maybe is not Y or N." in page
    assert "Use at most 20 characters." in page
    download = client.get(f"/crm/upload/{upload.pk}/problems.xlsx")
    sheet = load_workbook(BytesIO(download.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["Row", "Customer name", "Column", "Problem", "Result"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [3, 4, 5, 6, 7]
    assert customers(organization) == []


def test_upload_lists_every_bad_row_on_pages_of_fifty(steps: Steps, client: Client) -> None:
    nameless = [["", f"010-5555-{i:04d}"] + [""] * 12 for i in range(60)]
    upload = steps.check(sheet_of(*nameless))

    first = client.get(f"/crm/upload/{upload.pk}/")
    second = client.get(f"/crm/upload/{upload.pk}/?page=2")

    assert [r.number for r in first.context["problems"]] == list(range(2, 52))
    assert [r.number for r in second.context["problems"]] == list(range(52, 62))
    assert 'data-testid="problem-row-61"' in second.content.decode()
    download = client.get(f"/crm/upload/{upload.pk}/problems.xlsx")
    sheet = load_workbook(BytesIO(download.content)).active
    assert sheet is not None
    assert sheet.max_row == 61


def test_upload_all_or_nothing_refuses_and_stores_nothing(
    steps: Steps, client: Client, organization: Organization
) -> None:
    upload = steps.check(sheet_of(*BAD_ROWS))
    assert client.get(f"/crm/upload/{upload.pk}/").context["may_confirm"] is False

    page = steps.confirm(upload)

    assert "Nothing was saved: 5 rows have errors." in page.content.decode()
    assert customers(organization) == []
    upload.refresh_from_db()
    assert upload.state == UploadState.CHECKED


def test_upload_keep_good_rows_stores_only_the_good_ones(
    steps: Steps, client: Client, organization: Organization
) -> None:
    upload = steps.check(sheet_of(*BAD_ROWS, good_row(8)), keep_good_rows="on")
    assert upload.keep_good_rows is True

    steps.confirm(upload)

    assert [c.name for c in customers(organization)] == ["고객1", "고객8"]
    upload.refresh_from_db()
    assert (upload.state, upload.created_count, upload.bad_rows) == (UploadState.DONE, 2, 5)


def test_upload_all_or_nothing_can_still_save_only_the_good_rows_when_asked(
    steps: Steps, client: Client, organization: Organization
) -> None:
    upload = steps.check(sheet_of(*BAD_ROWS))

    steps.confirm(upload, keep_good_rows="1")

    assert [c.name for c in customers(organization)] == ["고객1"]


def test_upload_parses_numbers_dates_and_flags_as_people_type_them(
    steps: Steps, client: Client, organization: Organization
) -> None:
    row: list[Any] = ["홍길동", 1012345678, "02-123-4567", "", "", 101, 1203,
                      dt.date(2025, 1, 31), "Y", "예", "o", "", "", "메모"]  # fmt: skip
    other: list[Any] = ["김영희", "+82 10 9876 5432", "", "", "", "", "", "2025.2.3", "",
                        True, "x", "", "", ""]  # fmt: skip
    third = ["이미정", "", "", "", "", "", "", "미정", "N", "", "", "", "", ""]
    fourth = ["박하이픈", "", "", "", "", "", "", "-", "-", "", "", "", "", ""]
    upload = steps.check(sheet_of(row, other, third, fourth))
    assert upload.bad_rows == 0, upload.problems

    steps.confirm(upload)

    hong, kim, lee = (Customer.all_objects.get(name=n) for n in ("홍길동", "김영희", "이미정"))
    assert (hong.mobile, hong.phone, hong.block, hong.unit) == (
        "01012345678",
        "021234567",
        "101",
        "1203",
    )
    assert hong.move_in_date == dt.date(2025, 1, 31)
    assert (hong.sms_opt_out, hong.is_vip, hong.needs_caution, hong.memo) == (
        True,
        True,
        True,
        "메모",
    )
    assert (kim.mobile, kim.move_in_date, kim.is_vip, kim.needs_caution) == (
        "01098765432",
        dt.date(2025, 2, 3),
        True,
        False,
    )
    assert (lee.move_in_date, lee.sms_opt_out) == (None, False)
    assert Customer.all_objects.get(name="박하이픈").move_in_date is None


# -------------------------------------------------------------------------------- duplicates


def test_upload_leaves_out_numbers_already_registered(
    steps: Steps, client: Client, uploader: User, organization: Organization
) -> None:
    with tenant_scope(organization):
        make_customer(uploader, "기존고객", mobile="010-5555-0002")
        make_customer(uploader, "집전화고객", mobile="", phone="010-5555-0003")

    upload = steps.check(sheet_of(good_row(1), good_row(2), good_row(3)))

    assert (upload.good_rows, upload.duplicate_rows, upload.bad_rows) == (1, 2, 0)
    assert {p["row"]: p["left_out"] for p in upload.problems} == {3: True, 4: True}
    page = client.get(f"/crm/upload/{upload.pk}/").content.decode()
    assert "010-5555-0002 is already registered to 기존고객." in page
    assert "Left out (duplicate)" in page
    steps.confirm(upload)
    assert [c.name for c in customers(organization)] == ["고객1", "기존고객", "집전화고객"]


def test_upload_reports_numbers_already_registered_as_errors_when_asked(
    steps: Steps, client: Client, uploader: User, organization: Organization
) -> None:
    with tenant_scope(organization):
        make_customer(uploader, "기존고객", mobile="010-5555-0002")

    upload = steps.check(
        sheet_of(good_row(1), good_row(2)), duplicates=DuplicatePolicy.REPORT.value
    )

    assert (upload.good_rows, upload.duplicate_rows, upload.bad_rows) == (1, 0, 1)
    assert upload.problems[0]["row"] == 3
    assert upload.problems[0]["left_out"] is False
    steps.confirm(upload)
    assert len(customers(organization)) == 1  # all or nothing: the other customer only


def test_upload_ignores_customers_of_other_tenants(
    steps: Steps, client: Client, other_admin: User, other_organization: Organization
) -> None:
    with tenant_scope(other_organization):
        make_customer(other_admin, "남의고객", mobile="010-5555-0001")

    upload = steps.check(sheet_of(good_row(1)))

    assert (upload.good_rows, upload.duplicate_rows) == (1, 0)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [(DuplicatePolicy.SKIP, (2, 1, 0)), (DuplicatePolicy.REPORT, (2, 0, 1))],
)
def test_upload_treats_a_number_repeated_in_the_file_by_the_policy(
    steps: Steps, client: Client, policy: DuplicatePolicy, expected: tuple[int, int, int]
) -> None:
    repeat = good_row(9)
    repeat[1] = "01055550001"  # good_row(1)'s mobile, typed without hyphens
    upload = steps.check(sheet_of(good_row(1), good_row(2), repeat), duplicates=policy.value)

    assert (upload.good_rows, upload.duplicate_rows, upload.bad_rows) == expected
    (problem,) = upload.problems
    assert problem["row"] == 4
    assert problem["message"] == "010-5555-0001 appears again in the file; row 2 has it first."


def test_upload_leaves_out_a_number_registered_between_the_check_and_the_save(
    steps: Steps, client: Client, uploader: User, organization: Organization
) -> None:
    upload = steps.check(sheet_of(good_row(1), good_row(2)))
    with tenant_scope(organization):
        make_customer(uploader, "방금등록", mobile="010-5555-0002")

    steps.confirm(upload)

    upload.refresh_from_db()
    assert (upload.state, upload.created_count, upload.duplicate_rows) == (UploadState.DONE, 1, 1)
    assert sorted(c.name for c in customers(organization)) == ["고객1", "방금등록"]


def test_upload_all_or_nothing_fails_when_a_reported_number_was_registered_meanwhile(
    steps: Steps, client: Client, uploader: User, organization: Organization
) -> None:
    upload = steps.check(
        sheet_of(good_row(1), good_row(2)), duplicates=DuplicatePolicy.REPORT.value
    )
    with tenant_scope(organization):
        make_customer(uploader, "방금등록", mobile="010-5555-0002")

    page = steps.confirm(upload)

    upload.refresh_from_db()
    assert upload.state == UploadState.FAILED
    assert "Nothing was saved: 010-5555-0002 (row 3) was registered to 방금등록" in upload.failure
    assert upload.failure in page.content.decode()
    assert [c.name for c in customers(organization)] == ["방금등록"]
    event = WorkEvent.all_objects.get(screen=WorkScreen.CUSTOMER_UPLOAD)
    assert event.result == WorkResult.FAILURE


# ------------------------------------------------------------------------ files and sheets


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("고객.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "save it as"),
        ("고객.csv", b"name,mobile\n", "is not one."),
        ("고객.xlsx", b"name,mobile\n", "is not an Excel workbook"),
        ("고객.xlsx", b"PK\x03\x04broken", "cannot be read as an Excel workbook"),
    ],
)
def test_upload_refuses_a_file_that_is_not_xlsx_with_a_clear_message(
    steps: Steps, client: Client, name: str, content: bytes, message: str
) -> None:
    response = steps.send_file(content, name)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.session.get("crm-upload") is None


def test_upload_says_so_when_the_sheet_is_empty(steps: Steps, client: Client) -> None:
    assert steps.send_file(sheet_of(good_row(1), extra="빈시트")).status_code == 302

    response = steps.choose_sheet("빈시트", 2)

    assert response.status_code == 400
    assert "Sheet 빈시트 is empty." in response.content.decode()


def test_upload_says_so_when_the_first_row_is_below_the_data(steps: Steps, client: Client) -> None:
    assert steps.send_file(sheet_of(good_row(1), good_row(2))).status_code == 302

    response = steps.choose_sheet("고객", 9)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Sheet 고객 has no data from row 9 on: its last row with data is row 3." in page
    assert response.context["sample"].first_row == 1  # the top of the sheet, to find the row


def test_upload_reads_headers_from_the_row_above_the_chosen_first_row(
    steps: Steps, client: Client, organization: Organization
) -> None:
    upload = steps.check(sheet_of(good_row(1), before=2), first_row=4)

    assert upload.first_row == 4
    assert upload.mapping["name"] == 0
    assert upload.mapping["memo"] == 13
    assert upload.good_rows == 1
    assert upload.problems == []


def test_upload_guesses_columns_from_korean_and_english_headers() -> None:
    korean = uploading.guess_mapping(["핸드폰", "성명", "비고", "동", "호", "입주일자", "VIP"])
    english = uploading.guess_mapping(["Name", "Mobile", "Phone", "Customer ID", "Memo"])

    assert {k: v for k, v in korean.items() if v is not None} == {
        "mobile": 0, "name": 1, "memo": 2, "block": 3, "unit": 4, "move_in_date": 5, "is_vip": 6,
    }  # fmt: skip
    assert {k: v for k, v in english.items() if v is not None} == {
        "name": 0, "mobile": 1, "phone": 2, "customer_code": 3, "memo": 4,
    }  # fmt: skip


def test_upload_template_has_every_header_the_upload_recognizes(client: Client) -> None:
    response = client.get("/crm/upload/template.xlsx")

    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook.worksheets[0]
    headers = [str(c.value) for c in sheet[1]]
    mapping = uploading.guess_mapping(headers)
    assert mapping == {f.key: i for i, f in enumerate(uploading.FIELDS)}
    assert sheet.max_row == 1 + len(uploading.TEMPLATE_EXAMPLES)


def test_upload_mapping_needs_the_name_column_and_distinct_columns(
    steps: Steps, client: Client
) -> None:
    assert steps.send_file(sheet_of(good_row(1))).status_code == 302
    assert steps.choose_sheet().status_code == 302
    page = client.get("/crm/upload/")

    no_name = client.post("/crm/upload/", {**mapping_data(page, col_name=""), "action": "check"})
    twice = client.post("/crm/upload/", {**mapping_data(page, col_memo="0"), "action": "check"})

    assert no_name.status_code == 400
    assert "Choose the column that holds Customer name." in no_name.content.decode()
    assert twice.status_code == 400
    assert "This column is already chosen for Customer name." in twice.content.decode()
    assert CustomerUpload.all_objects.count() == 0


def test_upload_change_the_columns_goes_back_with_the_same_file(
    steps: Steps, client: Client, organization: Organization
) -> None:
    upload = steps.check(sheet_of(good_row(1)), col_memo="", col_customer_code="")

    response = client.post(f"/crm/upload/{upload.pk}/revise/")

    assert response.status_code == 302
    page = client.get("/crm/upload/")
    assert page.context["step"] == 3
    assert page.context["form"]["col_memo"].value() == ""
    again = client.post("/crm/upload/", {**mapping_data(page, col_memo="13"), "action": "check"})
    assert upload_of(again).mapping["memo"] == 13
    assert not CustomerUpload.all_objects.filter(pk=upload.pk).exists()


def test_upload_discard_forgets_the_upload_and_stores_nothing(
    steps: Steps, client: Client, organization: Organization, media: Any
) -> None:
    upload = steps.check(sheet_of(good_row(1)))

    response = client.post(f"/crm/upload/{upload.pk}/discard/", follow=True)

    assert "The upload was discarded. Nothing was stored." in response.content.decode()
    assert not CustomerUpload.all_objects.filter(pk=upload.pk).exists()
    assert customers(organization) == []
    assert list((media / "private" / "customer-uploads").iterdir()) == []


# ------------------------------------------------------------------- progress and the tasks


def test_upload_checks_and_saves_in_chunks_with_progress_reaching_the_total(
    steps: Steps, client: Client, organization: Organization, monkeypatch: Any, media: Any
) -> None:
    monkeypatch.setattr(uploading, "CHUNK_ROWS", 500)
    rows = [good_row(i) for i in range(1, 2001)]
    seen: list[tuple[int, int]] = []
    real_finish = uploading._Check.finish_chunk

    def finish(check: Any, chunk: Any) -> None:
        real_finish(check, chunk)
        seen.append((check.processed, len(chunk)))

    monkeypatch.setattr(uploading._Check, "finish_chunk", finish)

    with CaptureQueriesContext(connection) as queries:
        upload = steps.check(sheet_of(*rows))

    assert seen == [(500, 500), (1000, 500), (1500, 500), (2000, 500), (2000, 0)]
    lookups = [q for q in queries if 'FROM "crm_customer"' in q["sql"]]
    assert len(lookups) == 4  # one query per chunk of numbers, none per row
    assert (upload.processed_rows, upload.total_rows, upload.good_rows) == (2000, 2000, 2000)

    steps.confirm(upload)

    upload.refresh_from_db()
    assert (upload.state, upload.processed_rows, upload.total_rows) == (
        UploadState.DONE,
        2000,
        2000,
    )
    assert len(customers(organization)) == 2000
    assert list((media / "private" / "customer-uploads").iterdir()) == []


def test_upload_progress_is_polled_until_the_task_is_over(
    client: Client, uploader: User, organization: Organization
) -> None:
    with tenant_scope(organization):
        running = CustomerUpload.objects.create(
            organization=organization,
            uploaded_by=uploader,
            file_name="고객.xlsx",
            token="0" * 32,
            state=UploadState.CHECKING,
            total_rows=4000,
            processed_rows=1000,
        )

    polled = client.get(f"/crm/upload/{running.pk}/progress/")
    page = client.get(f"/crm/upload/{running.pk}/")

    assert polled.status_code == 200
    assert "1,000 of 4,000 rows" in polled.content.decode()
    assert 'hx-trigger="every 1s"' in page.content.decode()
    CustomerUpload.all_objects.filter(pk=running.pk).update(state=UploadState.CHECKED)
    over = client.get(f"/crm/upload/{running.pk}/progress/")
    assert over["HX-Refresh"] == "true"


def test_upload_confirmed_twice_saves_once(
    steps: Steps, client: Client, uploader: User, organization: Organization
) -> None:
    upload = steps.check(sheet_of(good_row(1), good_row(2)))

    first = steps.confirm(upload)
    second = steps.confirm(upload)
    with tenant_scope(organization):
        again, started = uploading.confirm_upload(actor(uploader), upload.pk)

    assert len(customers(organization)) == 2
    assert started is False
    assert again.state == UploadState.DONE
    assert "2 customers were registered." in first.content.decode()
    assert "This upload is being saved or was saved already." in second.content.decode()
    assert WorkEvent.all_objects.filter(screen=WorkScreen.CUSTOMER_UPLOAD).count() == 1


def test_upload_a_save_task_run_twice_stores_the_rows_once(
    steps: Steps,
    client: Client,
    uploader: User,
    organization: Organization,
    django_capture_on_commit_callbacks: Any,
) -> None:
    upload = steps.check(sheet_of(good_row(1)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(f"/crm/upload/{upload.pk}/confirm/")
    assert len(callbacks) == 1

    callbacks[0]()
    callbacks[0]()  # a worker running the same task again

    assert len(customers(organization)) == 1


def test_upload_failing_task_sets_failed_with_the_message_shown(
    steps: Steps, client: Client, monkeypatch: Any
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(uploading, "parse_row", broken)

    upload = steps.check(sheet_of(good_row(1)))

    assert upload.state == UploadState.FAILED
    page = client.get(f"/crm/upload/{upload.pk}/").content.decode()
    assert "The check stopped because of an unexpected error. Nothing was stored." in page


def test_upload_failing_check_says_when_the_file_is_gone(
    steps: Steps, client: Client, uploader: User, organization: Organization, media: Any
) -> None:
    assert steps.send_file(sheet_of(good_row(1))).status_code == 302
    assert steps.choose_sheet().status_code == 302
    page = client.get("/crm/upload/")
    token = client.session["crm-upload"]["token"]
    with tenant_scope(organization):
        upload = CustomerUpload.objects.create(
            organization=organization,
            uploaded_by=uploader,
            file_name="고객.xlsx",
            token=token,
            mapping={"name": 0},
            state=UploadState.CHECKING,
        )
    uploading.discard_file(token)

    uploading.run_check(upload.pk)

    upload.refresh_from_db()
    assert upload.state == UploadState.FAILED
    assert upload.failure == "The uploaded file is no longer available. Upload it again."
    assert page.status_code == 200
