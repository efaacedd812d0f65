"""Importing participants from Excel: column guessing, the row-by-row preview, and the import."""

from __future__ import annotations

import time
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from openpyxl import Workbook, load_workbook

from sangdam.accounts.enums import WorkAction, WorkResult, WorkScreen
from sangdam.accounts.models import User, WorkEvent
from sangdam.core.tenancy import tenant_scope
from sangdam.fairs import importing
from sangdam.fairs.enums import Approval, BuyerType, CompanyForm, Side
from sangdam.fairs.models import Category, Participant
from tests.fairs.fair import actor, make_event, make_organizer, make_participant

KOREAN_HEADERS = [
    "구분",
    "참가자 ID",
    "회사명",
    "회사명(영문)",
    "담당자",
    "직위",
    "이메일",
    "연락처",
    "국가",
    "업종",
    "수입희망 품목 카테고리",
    "바이어 유형",
    "기업 형태",
    "CRM 등록고유번호",
    "1일 상담횟수",
    "부스",
    "아이디",
]


def workbook_bytes(rows: list[list[Any]], *, title: str = "참가자", before: int = 0) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for _ in range(before):
        sheet.append(["2031 수출상담회 참가자 명단"])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_ROWS: list[list[Any]] = [
    ["바이어", "B001", "Global Trading", "Global Trading LLC", "John Smith", "Manager",
     "john@example.com", "+1 212 555 0100", "미국", "의료기기",
     "진찰 및 진단용 기기, 방사선 진단 기기", "일반", "유통", "CRM-1", 8, "A-01", ""],
    ["셀러", "S001", "한국메디칼", "Korea Medical", "김민수", "팀장", "minsu@example.co.kr",
     "010-1234-5678", "대한민국", "의료기기", "진찰 및 진단용 기기; 수술 기구", "", "기타: 연구소",
     "", "", "", "kmedical"],
]  # fmt: skip


def sheet_of(*rows: list[Any]) -> bytes:
    return workbook_bytes([KOREAN_HEADERS, *[list(r) for r in rows]])


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def organizer(organization: Any) -> User:
    """An organizer who reads the pages in English, so messages are compared as written."""
    user = make_organizer(organization)
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def event(organizer: User) -> Any:
    return make_event(organizer)


def url(event: Any) -> str:
    return f"/organizer/events/{event.pk}/import/"


def upload(client: Client, event: Any, content: bytes, name: str = "참가자.xlsx") -> Any:
    return client.post(
        url(event),
        {"action": "upload", "header_row": "1", "file": SimpleUploadedFile(name, content)},
    )


def mapping_data(response: Any, **changes: str) -> dict[str, Any]:
    """What the browser would post from the mapping form as the page filled it in."""
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(changes)
    return data


def preview(client: Client, event: Any, content: bytes, **changes: str) -> Any:
    assert upload(client, event, content).status_code == 302
    page = client.get(url(event))
    assert page.status_code == 200
    response = client.post(url(event), {**mapping_data(page), "action": "preview", **changes})
    assert response.status_code == 200
    return response


def confirm(client: Client, event: Any, previewed: Any, **changes: str) -> Any:
    data = mapping_data(previewed, action="confirm", **changes)
    return client.post(url(event), data, follow=True)


def participants(event: Any) -> list[Participant]:
    with tenant_scope(event.organization):
        return list(Participant.objects.filter(event=event).select_related("user").order_by("code"))


# --------------------------------------------------------------------------- pure functions


def test_guess_mapping_matches_korean_headers() -> None:
    mapping = importing.guess_mapping(KOREAN_HEADERS)

    assert mapping == {
        "side": 0,
        "code": 1,
        "company_name": 2,
        "company_name_en": 3,
        "contact_name": 4,
        "contact_title": 5,
        "contact_email": 6,
        "contact_phone": 7,
        "country": 8,
        "industry": 9,
        "categories": 10,
        "buyer_type": 11,
        "company_form": 12,
        "crm_number": 13,
        "daily_cap": 14,
        "booth": 15,
        "login_id": 16,
    }


def test_guess_mapping_matches_english_and_loose_headers() -> None:
    headers = ["No.", "Buyer/Seller", "Company Name", "E-mail", "Country", "Category", "Booth No"]

    mapping = importing.guess_mapping(headers)

    assert {k: v for k, v in mapping.items() if v is not None} == {
        "side": 1,
        "company_name": 2,
        "contact_email": 3,
        "country": 4,
        "categories": 5,
        "booth": 6,
    }


def test_guess_mapping_matches_headers_that_contain_a_known_word() -> None:
    mapping = importing.guess_mapping(["바이어·셀러", "품목", "담당자 이메일 주소", "참가 국가"])

    assert mapping["side"] == 0
    assert mapping["categories"] == 1
    assert mapping["contact_email"] == 2
    assert mapping["country"] == 3


def test_template_headers_are_all_recognized() -> None:
    table = importing.read_table(BytesIO(importing.template_workbook()))

    mapping = importing.guess_mapping(table.headers)

    assert all(column is not None for column in mapping.values()), mapping
    assert len(table.rows) == len(importing.TEMPLATE_EXAMPLES)


def test_parse_reads_values_and_finish_gives_missing_ids() -> None:
    table = importing.read_table(
        BytesIO(
            sheet_of(
                GOOD_ROWS[0],
                [
                    "셀러",
                    "",
                    "무명상사",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "제조",
                    "",
                    "",
                    "",
                    "",
                ],
            )
        )
    )
    rows = importing.parse_table(table, importing.guess_mapping(table.headers))
    importing.finish_rows(rows, event_pk=7, existing_codes={"S0001"}, taken_logins=set())

    first, second = rows
    assert first.ok
    assert second.ok
    assert first.side == Side.BUYER
    assert first.daily_cap == 8
    assert first.info.categories == ["진찰 및 진단용 기기", "방사선 진단 기기"]
    assert first.info.buyer_type == BuyerType.GENERAL
    assert first.info.company_form == CompanyForm.DISTRIBUTOR
    assert first.login_id == "7-B001"
    assert second.code == "S0002"  # S0001 belongs to the event already
    assert second.code_generated
    assert second.info.company_form == CompanyForm.MANUFACTURER


def test_company_form_other_keeps_its_text() -> None:
    table = importing.read_table(BytesIO(sheet_of(GOOD_ROWS[1])))
    (row,) = importing.parse_table(table, importing.guess_mapping(table.headers))

    assert (row.info.company_form, row.info.company_form_other) == (CompanyForm.OTHER, "연구소")


# ------------------------------------------------------------------------------ the pages


BAD_ROWS: list[list[Any]] = [
    GOOD_ROWS[0],  # row 2: good
    ["바이어", "B002", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],  # 3
    ["고객", "B003", "Alpha", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],  # 4
    ["셀러", "B001", "Beta", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],  # 5
    ["셀러", "S010", "Gamma", "", "", "", "gamma@", "", "", "", "", "", "", "", "열", "", ""],  # 6
    ["셀러", "S011", "Delta", "", "", "", "", "", "", "", "", "", "", "", "", "", "taken"],  # 7
    ["셀러", "S012", "Epsilon", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],  # 8
    ["셀러", "S900", "Zeta", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],  # 9
]  # fmt: skip


@pytest.fixture
def crowded_event(event: Any, organization: Any) -> Any:
    """The event already has S900, and login ID "taken" belongs to someone."""
    make_participant(event, Side.SELLER, "S900")
    make_participant(event, Side.BUYER, "TAKEN")  # login id "taken"
    return event


def test_import_preview_reports_every_bad_row_and_stores_nothing(
    client_of: Any, organizer: User, crowded_event: Any, media: Any
) -> None:
    client = client_of(organizer)
    users_before = User.all_objects.count()

    response = preview(client, crowded_event, sheet_of(*BAD_ROWS))

    problems = {
        row.number: [(e.field, e.message) for e in row.errors]
        for row in response.context["bad_rows"]
    }
    assert problems == {
        3: [("company_name", "Missing: every participant needs a company name.")],
        4: [("side", "Unknown side 고객: write buyer or seller (바이어 / 셀러).")],
        5: [("code", "Participant ID B001 is used again; row 2 has it first.")],
        6: [
            ("contact_email", "gamma@ is not an e-mail address."),
            ("daily_cap", "열 is not a number of meetings (a whole number, 0 or more)."),
        ],
        7: [("login_id", "Login ID taken is already taken in your organization.")],
        9: [("code", "Participant ID S900 already belongs to a participant of this event.")],
    }
    html = response.content.decode()
    assert 'data-testid="import-error-row-3"' in html
    assert 'data-testid="import-bad">6<' in html
    assert 'data-testid="import-good">2<' in html
    assert [p.code for p in participants(crowded_event)] == ["S900", "TAKEN"]
    assert User.all_objects.count() == users_before


def test_import_with_every_row_valid_stores_everything(
    client_of: Any, organizer: User, event: Any, media: Any
) -> None:
    client = client_of(organizer)
    previewed = preview(client, event, sheet_of(*GOOD_ROWS))

    response = confirm(client, event, previewed)

    assert response.redirect_chain[-1][0] == f"/organizer/events/{event.pk}/participants/"
    buyer, seller = participants(event)
    assert (buyer.code, buyer.side, buyer.company_name, buyer.company_name_en) == (
        "B001",
        Side.BUYER,
        "Global Trading",
        "Global Trading LLC",
    )
    assert (buyer.contact_name, buyer.contact_email, buyer.country) == (
        "John Smith",
        "john@example.com",
        "미국",
    )
    assert (buyer.daily_cap, buyer.booth, buyer.crm_number) == (8, "A-01", "CRM-1")
    assert buyer.approval == Approval.APPROVED
    assert buyer.user.username == f"{event.pk}-B001"
    assert not buyer.user.has_usable_password()
    assert buyer.user.time_zone == event.time_zone
    assert seller.user.username == "kmedical"
    assert seller.user.email == "minsu@example.co.kr"
    with tenant_scope(event.organization):
        assert sorted(c.name for c in seller.categories.all()) == [
            "수술 기구",
            "진찰 및 진단용 기기",
        ]
        assert Category.objects.filter(event=event).count() == 3
        work = WorkEvent.objects.filter(screen=WorkScreen.FAIRS, action=WorkAction.CREATE).last()
    assert work is not None
    assert work.result == WorkResult.SUCCESS
    assert work.detail.startswith("import 2 participants")
    assert "Imported 2 participants." in response.content.decode() or "2" in str(
        list(response.context["messages"])
    )
    # The file is gone once imported.
    assert not list((media / "private" / "fair-imports").iterdir())


def test_import_keeps_the_chosen_approval(
    client_of: Any, organizer: User, event: Any, media: Any
) -> None:
    client = client_of(organizer)
    previewed = preview(client, event, sheet_of(*GOOD_ROWS))

    confirm(client, event, previewed, approval=Approval.PENDING)

    assert {p.approval for p in participants(event)} == {Approval.PENDING}


def test_import_all_or_nothing_with_bad_rows_stores_nothing_and_shows_errors(
    client_of: Any, organizer: User, crowded_event: Any, media: Any
) -> None:
    client = client_of(organizer)
    previewed = preview(client, crowded_event, sheet_of(*BAD_ROWS))

    response = confirm(client, crowded_event, previewed, mode="all")

    assert [p.code for p in participants(crowded_event)] == ["S900", "TAKEN"]
    html = response.content.decode()
    assert "Nothing was imported: 6 of 8 rows have errors." in html
    assert 'data-testid="import-error-row-4"' in html


def test_import_keeping_the_good_rows_stores_only_them(
    client_of: Any, organizer: User, crowded_event: Any, media: Any
) -> None:
    client = client_of(organizer)
    previewed = preview(client, crowded_event, sheet_of(*BAD_ROWS))

    response = confirm(client, crowded_event, previewed, mode="good")

    assert [p.code for p in participants(crowded_event)] == ["B001", "S012", "S900", "TAKEN"]
    assert "Imported 2 participants; skipped 6 rows with errors." in response.content.decode()
    with tenant_scope(crowded_event.organization):
        work = WorkEvent.objects.filter(action=WorkAction.CREATE).last()
    assert work is not None
    assert work.detail.startswith("import 2 participants")


def test_import_after_changing_the_columns_asks_for_a_new_preview(
    client_of: Any, organizer: User, event: Any, media: Any
) -> None:
    client = client_of(organizer)
    previewed = preview(client, event, sheet_of(*GOOD_ROWS))

    response = confirm(client, event, previewed, col_country="")

    assert participants(event) == []
    assert "changed after the preview" in response.content.decode()


def test_import_reads_another_header_row_and_sheet(
    client_of: Any, organizer: User, event: Any, media: Any
) -> None:
    client = client_of(organizer)
    content = workbook_bytes([KOREAN_HEADERS, GOOD_ROWS[0]], before=2)
    assert upload(client, event, content).status_code == 302
    page = client.post(url(event), {"action": "columns", "sheet": "참가자", "header_row": "3"})

    assert page.context["table"].headers[2] == "회사명"
    response = client.post(url(event), {**mapping_data(page), "action": "preview"})

    assert [r.number for r in response.context["preview"].rows] == [4]
    assert response.context["bad_rows"] == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("participants.csv", b"side,company\nbuyer,Alpha\n", "is not one"),
        ("participants.xlsx", b"side,company\nbuyer,Alpha\n", "is not an Excel workbook"),
        ("participants.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "is not one"),
    ],
)
def test_import_refuses_a_file_that_is_not_xlsx(
    client_of: Any, organizer: User, event: Any, media: Any, name: str, content: bytes, message: str
) -> None:
    client = client_of(organizer)

    response = upload(client, event, content, name=name)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.session.get("fairs-import") is None


def test_import_refuses_a_file_over_the_size_limit(monkeypatch: Any) -> None:
    with translation.override("en"), pytest.raises(importing.ImportFileError, match="too large"):
        importing.check_upload("big.xlsx", importing.MAX_UPLOAD_BYTES + 1, b"PK\x03\x04")


def test_import_template_is_a_workbook_with_the_headers(
    client_of: Any, organizer: User, event: Any
) -> None:
    response = client_of(organizer).get(f"/organizer/events/{event.pk}/import/template.xlsx")

    assert response.status_code == 200
    table = importing.read_table(BytesIO(response.content))
    assert table.headers[:3] == ("Side (buyer / seller)", "Participant ID", "Login ID")
    assert len(table.rows) == 2
    assert load_workbook(BytesIO(response.content)).sheetnames == ["Participants", "Guide"]


def test_import_page_of_another_organization_is_not_found(
    client_of: Any, other_organization: Any, event: Any, media: Any
) -> None:
    stranger = make_organizer(other_organization, username="stranger")

    response = client_of(stranger).get(url(event))

    assert response.status_code == 404


def test_import_of_3300_participants_takes_seconds(organizer: User, event: Any) -> None:
    rows = [
        [
            "바이어" if i % 3 else "셀러",
            f"P{i:05d}",
            f"회사 {i}",
            "",
            f"담당자 {i}",
            "",
            f"p{i}@example.com",
            "",
            "미국",
            "",
            f"품목 {i % 40}, 품목 {(i + 7) % 40}",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
        for i in range(3300)
    ]
    content = sheet_of(*rows)
    started = time.perf_counter()
    with tenant_scope(event.organization):
        result = importing.preview_import(
            event,
            BytesIO(content),
            sheet="",
            header_row=1,
            mapping=importing.guess_mapping(KOREAN_HEADERS),
        )
        count = importing.save_import(actor=actor(organizer), event=event, rows=result.rows)
        elapsed = time.perf_counter() - started

        assert count == 3300
        assert Participant.objects.filter(event=event).count() == 3300
        assert Participant.categories.through.objects.filter(participant__event=event).count() == (
            6600
        )
    assert elapsed < 20, elapsed


def test_import_preview_needs_only_the_mapping_page_fields(
    client_of: Any, organizer: User, event: Any, media: Any
) -> None:
    client = client_of(organizer)
    assert upload(client, event, sheet_of(*GOOD_ROWS)).status_code == 302
    page = client.get(url(event))
    data = {k: v for k, v in mapping_data(page).items() if k not in ("approval", "mode")}

    response = client.post(url(event), {**data, "action": "preview"})

    assert response.context["preview"].good == response.context["preview"].rows
    assert 'data-testid="import-confirm"' in response.content.decode()


def test_import_preview_needs_the_company_name_column(
    client_of: Any, organizer: User, event: Any, media: Any
) -> None:
    client = client_of(organizer)

    response = preview(client, event, sheet_of(*GOOD_ROWS), col_company_name="", col_side="3")

    assert "preview" not in response.context
    errors = response.context["form"].errors
    assert errors["col_company_name"] == ["Choose the column that holds Company name."]
    assert errors["col_company_name_en"] == [
        "This column is already chosen for Side (buyer / seller)."
    ]
    assert participants(event) == []
