"""문자 발송 (CC-63..CC-76): the composer page, its sources of recipients, preview and send."""

from __future__ import annotations

import datetime as dt
import json
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone
from openpyxl import Workbook

from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.messaging.enums import MessageState, SkipReason
from sangdam.messaging.gateways.memory import MemoryGateway
from sangdam.messaging.models import (
    Message,
    MessageTemplate,
    MessagingSettings,
    OptOutNumber,
    SendJob,
)
from tests.conftest import ClientOf
from tests.factories import make_user
from tests.messaging.compose_helpers import (
    COMPOSE,
    JPEG,
    PNG,
    compose_post,
    customer,
    recipients_json,
)

pytestmark = pytest.mark.usefixtures("sender_settings")


class TextOnlyGateway(MemoryGateway):
    """Like Kannel or SMPP: text only."""

    supports_mms = False


def config_of(response: Any) -> dict[str, Any]:
    """The composer's starting state, as the page hands it to its script."""
    html = response.content.decode()
    start = html.index('<script id="compose-config" type="application/json">')
    start = html.index(">", start) + 1
    return dict(json.loads(html[start : html.index("</script>", start)]))


@pytest.fixture
def agent_client(client_of: ClientOf, agent: User) -> Client:
    return client_of(agent)


@pytest.fixture
def en_client(client_of: ClientOf, agent: User) -> Client:
    """The agent, who chose English."""
    agent.language = "en"
    agent.save(update_fields=["language"])
    return client_of(agent)


# ------------------------------------------------------------------------------------ the page


def test_compose_page_opens_for_agents_and_admins_with_templates(
    client_of: ClientOf, agent: User, admin: User, organization: Organization
) -> None:
    MessageTemplate.all_objects.create(
        organization=organization, title="점검 안내", body="{고객명}님, 점검이 있습니다."
    )
    for user in (agent, admin):
        page = client_of(user).get(COMPOSE)
        assert page.status_code == 200
        html = page.content.decode()
        assert "02-1588-0000" in html  # the sender number
        assert "점검 안내" in html
        templates = config_of(page)["templates"]
        assert [t["body"] for t in templates] == ["{고객명}님, 점검이 있습니다."]


def test_compose_page_refuses_other_roles(client_of: ClientOf, organization: Organization) -> None:
    organizer = make_user(organization=organization, username="org1", role=Role.FAIR_ORGANIZER)
    assert client_of(organizer).get(COMPOSE).status_code == 403


def test_compose_page_lists_only_the_tenants_templates_and_apartments(
    agent_client: Client, agent: User, other_admin: User, other_organization: Organization
) -> None:
    MessageTemplate.all_objects.create(organization=other_organization, title="남의 양식", body="x")
    customer(agent, "우리 고객", "010-2000-0001", apartment="래미안", block="101동")
    customer(other_admin, "남의 고객", "010-2000-0002", apartment="힐스테이트", block="201동")
    html = agent_client.get(COMPOSE).content.decode()
    assert "래미안" in html
    assert "힐스테이트" not in html
    assert "남의 양식" not in html


def test_compose_page_says_when_the_gateway_cannot_send_mms(agent_client: Client) -> None:
    with override_settings(SANGDAM_SMS_BACKEND=f"{__name__}.TextOnlyGateway"):
        page = agent_client.get(COMPOSE)
    html = page.content.decode()
    assert 'data-testid="no-mms-note"' in html
    assert 'name="image"' not in html
    assert config_of(page)["supportsMms"] is False


def test_compose_page_warns_without_a_sender_number(
    en_client: Client, organization: Organization
) -> None:
    MessagingSettings.all_objects.filter(organization=organization).update(sender_number="")
    html = en_client.get(COMPOSE).content.decode()
    assert "No sender number is registered" in html


# ------------------------------------------------------------------------------------- prefill


def test_prefill_by_customer_and_by_phone(agent_client: Client, agent: User) -> None:
    kim = customer(agent, "김하나", "010-3000-0001")
    page = agent_client.get(COMPOSE, {"customer": str(kim.pk), "phone": "010 3000 0002"})
    assert config_of(page)["recipients"] == [
        {
            "phone": "01030000001",
            "name": "김하나",
            "customer_id": kim.pk,
            "display": "010-3000-0001",
        },
        {"phone": "01030000002", "name": "", "customer_id": None, "display": "010-3000-0002"},
    ]


def test_prefill_refuses_landlines_and_customers_without_mobile(
    en_client: Client, agent: User
) -> None:
    landline_only = customer(agent, "유선만", "", phone="02-123-4567")
    page = en_client.get(COMPOSE, {"customer": str(landline_only.pk), "phone": "02-123-4567"})
    assert config_of(page)["recipients"] == []
    html = page.content.decode()
    assert "유선만 has no mobile number" in html
    assert "02-123-4567 is not a mobile number." in html


def test_prefill_ignores_another_tenants_customer(agent_client: Client, other_admin: User) -> None:
    theirs = customer(other_admin, "남의 고객", "010-3000-0009")
    page = agent_client.get(COMPOSE, {"customer": theirs.pk})
    assert page.status_code == 200
    assert config_of(page)["recipients"] == []
    assert "010-3000-0009" not in page.content.decode()


# ------------------------------------------------------------------------- the input bar (CC-63)


def test_add_number_gives_the_normalized_number(agent_client: Client) -> None:
    response = agent_client.post(
        "/messaging/compose/number/", {"name": " 홍길동 ", "phone": "010 1234-5678"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "recipients": [
            {
                "phone": "01012345678",
                "name": "홍길동",
                "customer_id": None,
                "display": "010-1234-5678",
            }
        ]
    }


@pytest.mark.parametrize("typed", ["02-123-4567", "hello", ""])
def test_add_number_refuses_what_cannot_get_sms(en_client: Client, typed: str) -> None:
    response = en_client.post("/messaging/compose/number/", {"phone": typed})
    assert response.status_code == 400
    (message,) = response.json()["errors"]["phone"]
    assert typed in message if typed else message == "Enter a mobile number."


def test_add_number_needs_a_signed_in_worker(client: Client) -> None:
    response = client.post("/messaging/compose/number/", {"phone": "010-1234-5678"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# ------------------------------------------------------------------------------- 다량추가 (CC-75)


def test_paste_adds_valid_lines_and_names_every_bad_line(en_client: Client) -> None:
    pasted = "010-1111-0001\n01011110002\n\nabc\n02-555-1234\n010 1111 0003"
    response = en_client.post("/messaging/compose/paste/", {"numbers": pasted})
    assert response.status_code == 200
    body = response.json()
    assert [r["phone"] for r in body["recipients"]] == ["01011110001", "01011110002", "01011110003"]
    assert [(b["line"], b["text"]) for b in body["bad_lines"]] == [(4, "abc"), (5, "02-555-1234")]
    assert body["bad_lines"][1]["message"] == "02-555-1234 is not a mobile number."


def test_paste_of_nothing_is_refused(agent_client: Client) -> None:
    response = agent_client.post("/messaging/compose/paste/", {"numbers": "\n  \n"})
    assert response.status_code == 400
    assert response.json()["errors"]["numbers"]


# ----------------------------------------------------------------------------------- 검색 (CC-72)


def test_search_lists_customers_and_those_without_mobile_cannot_be_ticked(
    agent_client: Client, agent: User
) -> None:
    with_mobile = customer(agent, "박하나", "010-4000-0001", sms_opt_out=True)
    without = customer(agent, "박둘", "", phone="02-345-6789")
    customer(agent, "최셋", "010-4000-0003")
    html = agent_client.get("/messaging/compose/search/", {"text": "박"}).content.decode()
    assert html.count('data-testid="search-row"') == 2
    assert f'id="pick-{with_mobile.pk}"' in html
    assert 'data-phone="01040000001"' in html
    row = html[html.index(f'id="pick-{without.pk}"') :]
    assert row[: row.index(">")].count("disabled") == 1
    assert "SMS 수신거부" in html  # shown, and left out when sending
    assert "최셋" not in html


def test_search_never_finds_another_tenants_customer(
    agent_client: Client, other_admin: User
) -> None:
    customer(other_admin, "박남의", "010-4000-0009")
    html = agent_client.get("/messaging/compose/search/", {"text": "010-4000-0009"}).content
    assert "박남의".encode() not in html
    assert b'data-testid="search-empty"' in html


def test_search_says_what_is_wrong_with_the_text(en_client: Client) -> None:
    html = en_client.get("/messaging/compose/search/", {"text": ""}).content.decode()
    assert "Enter a name, a phone number" in html


# ------------------------------------------------------------------- apartment and block (CC-73/74)


@pytest.fixture
def residents(agent: User) -> None:
    customer(agent, "가", "010-5000-0001", apartment="래미안", block="101동", unit="101호")
    customer(agent, "나", "010-5000-0002", apartment="래미안", block="101동", unit="102호")
    customer(agent, "다", "010-5000-0003", apartment="래미안", block="102동", unit="101호")
    customer(agent, "라", "", phone="02-555-0004", apartment="래미안", block="102동")
    customer(agent, "마", "010-5000-0005", apartment="자이", block="101동")


@pytest.mark.usefixtures("residents")
def test_residents_of_a_whole_apartment_with_a_mobile(agent_client: Client) -> None:
    response = agent_client.get("/messaging/compose/residents/", {"apartment": "래미안"})
    assert [r["name"] for r in response.json()["recipients"]] == ["가", "나", "다"]


@pytest.mark.usefixtures("residents")
def test_residents_of_one_block_only(agent_client: Client) -> None:
    response = agent_client.get(
        "/messaging/compose/residents/", {"apartment": "래미안", "block": "101동"}
    )
    recipients = response.json()["recipients"]
    assert [(r["name"], r["phone"]) for r in recipients] == [
        ("가", "01050000001"),
        ("나", "01050000002"),
    ]
    assert all(r["customer_id"] for r in recipients)


@pytest.mark.usefixtures("residents")
def test_blocks_of_the_chosen_apartment(agent_client: Client) -> None:
    html = agent_client.get("/messaging/compose/blocks/", {"apartment": "래미안"}).content.decode()
    assert '<option value="101동">' in html
    assert '<option value="102동">' in html
    assert html.count("<option") == 3  # and "all blocks"


@pytest.mark.usefixtures("residents")
def test_residents_of_an_empty_block_are_refused(agent_client: Client) -> None:
    response = agent_client.get(
        "/messaging/compose/residents/", {"apartment": "래미안", "block": "999동"}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["apartment"]


def test_residents_of_another_tenants_apartment_are_not_found(
    agent_client: Client, other_admin: User
) -> None:
    customer(other_admin, "남", "010-5000-0009", apartment="힐스테이트", block="1동")
    response = agent_client.get("/messaging/compose/residents/", {"apartment": "힐스테이트"})
    assert response.status_code == 400
    assert "recipients" not in response.json()


# ----------------------------------------------------------------------------------- 엑셀 (CC-76)


def workbook(*rows: list[Any], title: str = "명단", extra: str = "") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if extra:
        book.create_sheet(extra).append(["이름", "휴대폰"])
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("명단.xlsx", buffer.getvalue())


def token_of(html: str) -> str:
    start = html.index('name="token" value="') + len('name="token" value="')
    return html[start : html.index('"', start)]


def test_excel_shows_the_top_of_the_sheet_and_guesses_the_columns(agent_client: Client) -> None:
    upload = workbook(
        ["2025 입주자 연락처"],
        ["이름", "동호수", "휴대폰"],
        ["김하나", "101-1001", "010-2222-1111"],
        extra="기타",
    )
    html = agent_client.post("/messaging/compose/excel/", {"file": upload}).content.decode()
    assert 'data-testid="excel-sample"' in html
    assert "2025 입주자 연락처" in html
    assert "010-2222-1111" in html
    assert '<option value="기타">' in html  # the other sheet can be chosen
    assert 'name="first_row" min="1" class="form-control form-control-sm" value="3"' in html
    assert '<option value="0" selected>A: 이름</option>' in html
    assert '<option value="2" selected>C: 휴대폰</option>' in html


def test_excel_adds_rows_with_names_and_lists_bad_rows(en_client: Client) -> None:
    upload = workbook(
        ["이름", "휴대폰"],
        ["김하나", "010-2222-1111"],
        ["이둘", "01033334444"],
        ["박셋", "02-123-4567"],
        ["최넷", ""],
        ["정다섯", 1055556666],
    )
    html = en_client.post("/messaging/compose/excel/", {"file": upload}).content.decode()
    response = en_client.post(
        "/messaging/compose/excel/read/",
        {
            "token": token_of(html),
            "sheet": "명단",
            "first_row": 2,
            "name_column": 0,
            "mobile_column": 1,
        },
    )
    body = response.json()
    assert [(r["name"], r["phone"]) for r in body["recipients"]] == [
        ("김하나", "01022221111"),
        ("이둘", "01033334444"),
        ("정다섯", "01055556666"),  # a number cell that lost its leading 0 in Excel
    ]
    assert [(b["line"], b["text"]) for b in body["bad_lines"]] == [(4, "02-123-4567"), (5, "")]
    assert body["bad_lines"][1]["message"] == "Enter a mobile number."


def test_excel_another_sheet_and_first_row_show_their_rows(agent_client: Client) -> None:
    upload = workbook(["이름", "휴대폰"], ["김하나", "010-2222-1111"], extra="기타")
    html = agent_client.post("/messaging/compose/excel/", {"file": upload}).content.decode()
    again = agent_client.post(
        "/messaging/compose/excel/sample/",
        {"token": token_of(html), "file_name": "명단.xlsx", "sheet": "기타", "first_row": 1},
    ).content.decode()
    assert '<option value="기타" selected>' in again
    assert "김하나" not in again


def test_excel_refuses_what_is_not_an_xlsx(en_client: Client) -> None:
    upload = SimpleUploadedFile("명단.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    html = en_client.post("/messaging/compose/excel/", {"file": upload}).content
    assert b'data-testid="excel-file-error"' in html
    assert b"old Excel format (.xls)" in html


def test_excel_read_needs_the_mobile_column_and_a_live_file(en_client: Client) -> None:
    missing = en_client.post("/messaging/compose/excel/read/", {"token": "0" * 32, "first_row": 2})
    assert missing.status_code == 400
    assert missing.json()["errors"]["mobile_column"] == ["Choose the column of the mobile numbers."]
    gone = en_client.post("/messaging/compose/excel/read/", {"token": "0" * 32, "mobile_column": 1})
    assert gone.status_code == 400
    assert gone.json()["errors"]["file"]


# ------------------------------------------------------------------------------------- preview


@pytest.fixture
def people(agent: User, organization: Organization) -> dict[str, Any]:
    """A customer, an opted-out customer and a number on the 080 list."""
    OptOutNumber.all_objects.create(organization=organization, phone="01060000003", source="080")
    return {
        "kim": customer(agent, "김하나", "010-6000-0001"),
        "out": customer(agent, "수신거부", "010-6000-0002", sms_opt_out=True),
    }


def test_preview_counts_types_and_names_who_is_dropped_and_why(
    en_client: Client, people: dict[str, Any]
) -> None:
    response = compose_post(
        en_client,
        fetch=True,
        action="preview",
        body="{고객명}님 안녕하세요",
        recipients=recipients_json(
            ("01060000001", ""),
            ("01060000002", ""),
            ("01060000003", "목록"),
            ("01060000004", ""),
            ("010-6000-0001", "중복"),
        ),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["errors"] == {}
    html = body["preview"]
    assert "<strong>2</strong> recipients will get it" in html
    assert (
        'data-testid="preview-SMS"><span class="badge sd-kind sd-kind-SMS">SMS</span> <strong>2'
        in (html)
    )
    assert "2 recipients left out (opted out)" in html
    assert '수신거부 <span class="sd-num">010-6000-0002</span> — The customer opted out' in html
    assert '목록 <span class="sd-num">010-6000-0003</span> — On the 080 opt-out list' in html
    assert "1 duplicate number was merged" in html
    assert "1 recipient has no name" in html
    assert "010-6000-0004" in html
    # The first recipient's message, with the registered name filled in.
    assert "김하나님 안녕하세요" in html
    assert not Message.all_objects.exists()


def test_preview_needs_a_message_and_recipients(en_client: Client) -> None:
    response = compose_post(en_client, fetch=True, action="preview", body=" ")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "body": ["Write the message."],
        "recipients": ["Add at least one recipient."],
    }


def test_preview_with_an_image_counts_mms(agent_client: Client) -> None:
    response = compose_post(
        agent_client,
        fetch=True,
        action="preview",
        body="사진 보세요",
        image=SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg"),
        recipients=recipients_json(("01060000001", "")),
    )
    assert (
        '<span class="badge sd-kind sd-kind-MMS">MMS</span> <strong>1'
        in (response.json()["preview"])
    )


def test_preview_without_script_shows_the_summary_on_the_page(
    agent_client: Client, people: dict[str, Any]
) -> None:
    page = compose_post(
        agent_client,
        action="preview",
        body="안녕하세요",
        recipients=recipients_json(("01060000001", ""), ("01060000002", "")),
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="preview-summary"' in html
    assert 'data-testid="preview-skipped-row"' in html
    assert [r["phone"] for r in config_of(page)["recipients"]] == ["01060000001", "01060000002"]


# ---------------------------------------------------------------------------------------- send


def test_send_now_stores_the_job_delivers_and_skips_the_opted_out(
    agent_client: Client,
    agent: User,
    people: dict[str, Any],
    outbox: type[MemoryGateway],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = compose_post(
            agent_client,
            body="{고객명}님 안녕하세요",
            recipients=recipients_json(
                ("01060000001", "", people["kim"].pk),
                ("01060000002", ""),
                ("01060000003", ""),
                ("01060000004", "새 고객"),
            ),
        )
    job = SendJob.all_objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/messaging/jobs/{job.pk}/"
    assert (job.created_by, job.recipient_count, job.skipped_count) == (agent, 2, 2)
    assert job.scheduled_at is None
    assert sorted((m.to, m.body) for m in outbox.outbox) == [
        ("01060000001", "김하나님 안녕하세요"),
        ("01060000004", "새 고객님 안녕하세요"),
    ]
    skipped = {
        m.phone: m.skip_reason for m in Message.all_objects.filter(state=MessageState.SKIPPED)
    }
    assert skipped == {
        "01060000002": SkipReason.CUSTOMER_OPT_OUT,
        "01060000003": SkipReason.OPT_OUT_LIST,
    }
    kim = Message.all_objects.get(phone="01060000001")
    assert kim.customer_id == people["kim"].pk


def test_send_through_the_script_answers_with_the_job_address(
    agent_client: Client, people: dict[str, Any]
) -> None:
    # The page's script sends the list as a file part (no size limit of a form field).
    listing = SimpleUploadedFile(
        "recipients.json",
        recipients_json(("01060000001", ""), ("01060000004", "")).encode(),
        content_type="application/json",
    )
    response = compose_post(agent_client, fetch=True, body="안녕하세요", recipients=listing)
    job = SendJob.all_objects.get()
    assert response.json() == {"redirect": f"/messaging/jobs/{job.pk}/"}
    assert job.recipient_count == 2


def test_send_long_text_is_lms_with_title_and_short_one_sms(
    agent_client: Client,
) -> None:
    compose_post(
        agent_client,
        body="가" * 40,
        title="무시되는 제목",
        recipients=recipients_json(("01060000001", "")),
    )
    compose_post(
        agent_client,
        body="가" * 40 + "a",
        title="안내",
        recipients=recipients_json(("01060000001", "")),
    )
    kinds = list(Message.all_objects.order_by("pk").values_list("kind", "byte_count"))
    assert kinds == [("SMS", 80), ("LMS", 81)]
    assert SendJob.all_objects.order_by("pk").last().title == "안내"  # type: ignore[union-attr]


def test_send_with_an_image_is_mms(agent_client: Client) -> None:
    compose_post(
        agent_client,
        body="사진",
        image=SimpleUploadedFile("photo.jpg", JPEG, content_type="image/jpeg"),
        recipients=recipients_json(("01060000001", "")),
    )
    job = SendJob.all_objects.get()
    assert str(job.image.name).endswith(".jpg")
    assert Message.all_objects.get().kind == "MMS"


def test_send_errors_appear_next_to_their_fields_and_nothing_is_lost(
    en_client: Client,
) -> None:
    page = compose_post(
        en_client,
        body="  ",
        title="제목",
        send_mode="later",
        scheduled_at_0="2020-01-01",
        scheduled_at_1="10:00",
        recipients=recipients_json(("01060000001", "김하나")),
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="error-body">Write the message.</div>' in html, (
        "the body's error is next to the body"
    )
    assert (
        'data-testid="error-scheduled_at">The scheduled time has passed. '
        "Choose a time in the future.</div>" in html
    )
    assert config_of(page)["recipients"][0]["name"] == "김하나"
    assert config_of(page)["mode"] == "later"
    assert 'value="2020-01-01"' in html
    assert 'value="10:00"' in html
    assert 'value="제목"' in html
    assert not SendJob.all_objects.exists()


def test_send_refusal_keeps_the_written_text(en_client: Client) -> None:
    page = compose_post(en_client, body="보낼 내용\n둘째 줄", recipients="")
    html = page.content.decode()
    assert "보낼 내용\n둘째 줄</textarea>" in html
    assert 'data-testid="error-recipients">Add at least one recipient.</div>' in html
    assert config_of(page)["errors"] == {"recipients": ["Add at least one recipient."]}


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (SimpleUploadedFile("a.png", PNG, content_type="image/png"), "Only JPG images"),
        (
            SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\x00" * (300 * 1024)),
            "The image is 301 KB; an MMS image may have at most 300 KB.",
        ),
    ],
)
def test_send_refuses_a_wrong_image_on_the_server(
    en_client: Client, image: SimpleUploadedFile, message: str
) -> None:
    response = compose_post(
        en_client,
        fetch=True,
        body="사진",
        image=image,
        recipients=recipients_json(("01060000001", "")),
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]["image"]
    assert error.startswith(message)
    assert not SendJob.all_objects.exists()


def test_send_refuses_an_image_when_the_gateway_sends_text_only(en_client: Client) -> None:
    with override_settings(SANGDAM_SMS_BACKEND=f"{__name__}.TextOnlyGateway"):
        response = compose_post(
            en_client,
            fetch=True,
            body="사진",
            image=SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg"),
            recipients=recipients_json(("01060000001", "")),
        )
    assert response.json()["errors"]["image"] == [
        "The SMS gateway in use cannot send MMS. Remove the image to send."
    ]


def test_send_refuses_advertising_without_its_marks(en_client: Client) -> None:
    response = compose_post(
        en_client,
        fetch=True,
        body="특가 세일!",
        is_advertising="on",
        recipients=recipients_json(("01060000001", "")),
    )
    errors = response.json()["errors"]["body"]
    assert "An advertising message must begin with (광고)." in errors
    assert "An advertising message must show the free opt-out number." in errors


def test_send_scheduled_waits_in_the_users_zone(agent_client: Client) -> None:
    moment = timezone.localtime() + dt.timedelta(days=2)
    response = compose_post(
        agent_client,
        body="예약 문자",
        send_mode="later",
        scheduled_at_0=moment.strftime("%Y-%m-%d"),
        scheduled_at_1="10:05",
        recipients=recipients_json(("01060000001", "")),
    )
    job = SendJob.all_objects.get()
    assert response.status_code == 302
    assert job.scheduled_at is not None
    local = timezone.localtime(job.scheduled_at)
    assert (local.date(), local.hour, local.minute) == (moment.date(), 10, 5)
    assert local.utcoffset() == dt.timedelta(hours=9)
    assert Message.all_objects.get().state == MessageState.SCHEDULED


def test_send_now_ignores_the_hidden_schedule_inputs(agent_client: Client) -> None:
    response = compose_post(
        agent_client,
        body="즉시",
        send_mode="now",
        scheduled_at_0="garbage",
        scheduled_at_1="",
        recipients=recipients_json(("01060000001", "")),
    )
    assert response.status_code == 302
    assert SendJob.all_objects.get().scheduled_at is None


def test_send_schedule_off_the_five_minute_steps_is_refused(en_client: Client) -> None:
    day = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%d")
    response = compose_post(
        en_client,
        fetch=True,
        body="예약",
        send_mode="later",
        scheduled_at_0=day,
        scheduled_at_1="10:07",
        recipients=recipients_json(("01060000001", "")),
    )
    assert response.json()["errors"]["scheduled_at"] == ["Choose a time in steps of 5 minutes."]


def test_send_scheduled_without_a_time_is_refused(en_client: Client) -> None:
    response = compose_post(
        en_client,
        fetch=True,
        body="예약",
        send_mode="later",
        recipients=recipients_json(("01060000001", "")),
    )
    assert response.json()["errors"]["scheduled_at"] == ["Choose the date and time to send at."]


def test_send_with_an_unreadable_recipient_list_is_refused(en_client: Client) -> None:
    response = compose_post(en_client, fetch=True, body="x", recipients='{"phone": 1}')
    assert response.json()["errors"]["recipients"] == ["The recipient list could not be read."]


def test_send_ignores_another_tenants_customer_id(
    agent_client: Client, other_admin: User, organization: Organization
) -> None:
    theirs = customer(other_admin, "남의 고객", "010-7000-0001", sms_opt_out=False)
    compose_post(
        agent_client,
        body="{고객명}님",
        recipients=recipients_json(("01070000001", "", theirs.pk)),
    )
    message = Message.all_objects.get()
    assert message.customer_id is None
    assert message.body == "님"  # their customer's name is not ours to use
    with tenant_scope(organization):
        assert Message.objects.count() == 1


def test_excel_file_of_another_session_cannot_be_read(
    agent_client: Client, client_of: ClientOf, admin: User
) -> None:
    upload = workbook(["이름", "휴대폰"], ["김하나", "010-2222-1111"])
    html = agent_client.post("/messaging/compose/excel/", {"file": upload}).content.decode()
    token = token_of(html)
    mine = agent_client.post("/messaging/compose/excel/read/", {"token": token, "mobile_column": 1})
    assert [r["phone"] for r in mine.json()["recipients"]] == ["01022221111"]
    theirs = client_of(admin).post(
        "/messaging/compose/excel/read/", {"token": token, "mobile_column": 1}
    )
    assert theirs.status_code == 400
    assert "recipients" not in theirs.json()


def test_compose_page_links_the_agents_own_recent_messages(
    client_of: ClientOf, agent: User, admin: User
) -> None:
    compose_post(
        client_of(agent), body="내가 보낸 문자", recipients=recipients_json(("01060000001", ""))
    )
    compose_post(
        client_of(admin), body="관리자 문자", recipients=recipients_json(("01060000001", ""))
    )
    html = client_of(agent).get(COMPOSE).content.decode()
    job = SendJob.all_objects.get(body="내가 보낸 문자")
    assert f'<a href="/messaging/jobs/{job.pk}/"' in html
    assert "관리자 문자" not in html
