"""템플릿 관리 (CC-06, G-CC-32): administrators add, edit and delete the shared templates."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.messaging.models import MessageTemplate
from tests.conftest import ClientOf
from tests.messaging.sms_admin import audited, english_client

LIST = reverse("messaging:templates")


@pytest.fixture
def web(client_of: ClientOf, admin: User) -> Client:
    return english_client(client_of, admin)


def make_template(organization: Organization, title: str, body: str = "내용") -> MessageTemplate:
    return MessageTemplate.all_objects.create(organization=organization, title=title, body=body)


def test_an_added_template_is_listed_with_its_bytes_and_type(web: Client) -> None:
    response = web.post(
        LIST, {"title": "  점검 안내 ", "body": "{고객명}님, 내일 10시 점검입니다."}
    )

    template = MessageTemplate.all_objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:template-edit", args=[template.pk])
    assert (template.title, template.body) == ("점검 안내", "{고객명}님, 내일 10시 점검입니다.")
    page = web.get(LIST).content.decode()
    assert "점검 안내" in page
    row = page.split(f'data-testid="template-{template.pk}"')[1].split("</a>")[0]
    # Counted before the name is filled in: {고객명} is 8 bytes, the rest 25.
    assert "SMS</span>" in row
    assert "33B" in row
    assert audited(WorkScreen.SMS_TEMPLATES, WorkAction.CREATE) == ["점검 안내"]


def test_a_template_over_80_bytes_is_listed_as_lms(web: Client, organization: Organization) -> None:
    template = make_template(organization, "긴 안내", "가" * 41)

    page = web.get(LIST).content.decode()

    row = page.split(f'data-testid="template-{template.pk}"')[1].split("</a>")[0]
    assert "LMS" in row
    assert "82B" in row


def test_a_title_in_use_is_refused_with_its_name(web: Client, organization: Organization) -> None:
    make_template(organization, "배송 안내")

    response = web.post(LIST, {"title": "배송 안내", "body": "다른 내용"})

    assert response.status_code == 200
    assert "A template named 배송 안내 exists already. Choose another name." in (
        response.content.decode()
    )
    assert MessageTemplate.all_objects.count() == 1


def test_the_same_title_in_another_organization_is_allowed(
    web: Client, other_organization: Organization
) -> None:
    make_template(other_organization, "배송 안내")

    response = web.post(LIST, {"title": "배송 안내", "body": "우리 내용"})

    assert response.status_code == 302
    assert MessageTemplate.all_objects.filter(title="배송 안내").count() == 2


def test_a_body_over_2000_bytes_is_refused_with_its_size(web: Client) -> None:
    response = web.post(LIST, {"title": "긴 글", "body": "가" * 1000 + "ab"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "The content is 2,002 bytes; a template may have at most 2,000 bytes." in page
    assert not MessageTemplate.all_objects.exists()


def test_exactly_2000_bytes_are_accepted(web: Client) -> None:
    response = web.post(LIST, {"title": "꽉 찬 글", "body": "가" * 999 + "ab"})

    assert response.status_code == 302
    assert len(MessageTemplate.all_objects.get().body) == 1001


def test_an_empty_body_is_refused(web: Client) -> None:
    response = web.post(LIST, {"title": "빈 글", "body": "  \r\n "})

    assert response.status_code == 200
    assert 'data-testid="error-body"' in response.content.decode()
    assert not MessageTemplate.all_objects.exists()


def test_editing_saves_the_new_name_and_content(web: Client, organization: Organization) -> None:
    template = make_template(organization, "관리비", "관리비 안내")
    url = reverse("messaging:template-edit", args=[template.pk])

    shown = web.get(url).content.decode()
    response = web.post(
        url, {"title": "관리비 납부", "body": "이번 달 관리비는\r\n25일까지입니다."}
    )

    assert "Edit template: 관리비" in shown
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.title, template.body) == ("관리비 납부", "이번 달 관리비는\n25일까지입니다.")
    assert audited(WorkScreen.SMS_TEMPLATES, WorkAction.UPDATE) == ["관리비 → 관리비 납부"]


def test_renaming_to_another_templates_name_is_refused(
    web: Client, organization: Organization
) -> None:
    make_template(organization, "주차")
    template = make_template(organization, "소음")

    response = web.post(
        reverse("messaging:template-edit", args=[template.pk]), {"title": "주차", "body": "x"}
    )

    assert "A template named 주차 exists already." in response.content.decode()
    template.refresh_from_db()
    assert template.title == "소음"


def test_delete_asks_first_and_deletes_on_confirmation(
    web: Client, organization: Organization
) -> None:
    template = make_template(organization, "행사 안내", "주말 행사 안내")
    url = reverse("messaging:template-delete", args=[template.pk])

    asked = web.get(url)
    assert MessageTemplate.all_objects.filter(pk=template.pk).exists()
    deleted = web.post(url, follow=True)

    assert "Delete the template 행사 안내?" in asked.content.decode()
    assert "주말 행사 안내" in asked.content.decode()
    assert "Template 행사 안내 was deleted." in deleted.content.decode()
    assert not MessageTemplate.all_objects.filter(pk=template.pk).exists()
    assert audited(WorkScreen.SMS_TEMPLATES, WorkAction.DELETE) == ["행사 안내"]


def test_agents_may_not_manage_templates(
    client_of: ClientOf, agent: User, organization: Organization
) -> None:
    template = make_template(organization, "안내")
    web = client_of(agent)

    listed = web.get(LIST)
    added = web.post(LIST, {"title": "몰래", "body": "x"})
    deleted = web.post(reverse("messaging:template-delete", args=[template.pk]))

    assert (listed.status_code, added.status_code, deleted.status_code) == (403, 403, 403)
    assert list(MessageTemplate.all_objects.values_list("title", flat=True)) == ["안내"]


def test_another_organizations_template_is_not_found(
    web: Client, other_organization: Organization
) -> None:
    theirs = make_template(other_organization, "남의 것")

    opened = web.get(reverse("messaging:template-edit", args=[theirs.pk]))
    changed = web.post(
        reverse("messaging:template-edit", args=[theirs.pk]), {"title": "바꿈", "body": "x"}
    )
    asked = web.get(reverse("messaging:template-delete", args=[theirs.pk]))
    web.post(reverse("messaging:template-delete", args=[theirs.pk]))

    assert (opened.status_code, asked.status_code) == (404, 404)
    assert changed.status_code == 302  # back to the list, saying it does not exist
    theirs.refresh_from_db()
    assert theirs.title == "남의 것"
