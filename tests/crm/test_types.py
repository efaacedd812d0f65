"""상담유형 (SPEC CC-03..05, G-CC-01): the three-level type tree, its rules and its page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from sangdam.accounts.enums import WorkAction, WorkResult, WorkScreen
from sangdam.accounts.models import User, WorkEvent
from sangdam.core.errors import InvalidInput, NotFound
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm import types
from sangdam.crm.errors import RecordLocked
from sangdam.crm.models import ConsultationType, Customer
from tests.conftest import ClientOf
from tests.crm.crm import actor, make_agent, make_customer, make_type, open_ticket

TYPES = "/crm/types/"


def _add(admin: User, name: str, parent: ConsultationType | None = None) -> ConsultationType:
    return types.create_type(actor=actor(admin), name=name, parent_id=parent.pk if parent else None)


def _names() -> list[str]:
    return [node.path for node in types.flat_types()]


@pytest.mark.usefixtures("scoped")
class TestRules:
    def test_a_name_is_refused_twice_under_one_parent_and_accepted_under_another(
        self, admin: User
    ) -> None:
        """CC-04: no duplicate within one level of one parent."""
        facilities = _add(admin, "시설")
        power = _add(admin, "전기")
        _add(admin, "누수", facilities)

        with translation.override("en"), pytest.raises(InvalidInput) as top:
            _add(admin, "시설")
        with translation.override("en"), pytest.raises(InvalidInput) as child:
            _add(admin, " 누수 ", facilities)
        _add(admin, "누수", power)

        assert top.value.errors == {"name": ["A major type named 시설 already exists."]}
        assert child.value.errors == {"name": ["시설 already has a type named 누수."]}
        assert _names() == ["시설", "시설 > 누수", "전기", "전기 > 누수"]

    def test_renaming_onto_a_siblings_name_is_refused(self, admin: User) -> None:
        first, second = _add(admin, "배송문의"), _add(admin, "반품문의")

        with pytest.raises(InvalidInput) as refused:
            types.rename_type(actor=actor(admin), type_id=second.pk, name="배송문의")

        assert list(refused.value.errors) == ["name"]
        types.rename_type(actor=actor(admin), type_id=first.pk, name="배송 문의", code="10")
        assert _names() == ["10 배송 문의", "반품문의"]

    def test_types_have_three_levels_at_most(self, admin: User) -> None:
        """G-CC-01: 대/중/소."""
        major = _add(admin, "시설")
        middle = _add(admin, "누수", major)
        minor = _add(admin, "욕실", middle)

        with translation.override("en"), pytest.raises(InvalidInput) as refused:
            _add(admin, "천장", minor)

        assert (major.level, middle.level, minor.level) == (1, 2, 3)
        assert refused.value.errors == {
            "parent": ["Types have three levels at most; 욕실 is a minor type."]
        }

    def test_a_type_used_by_a_consultation_is_locked_and_an_unused_one_is_not(
        self, admin: User, agent: User, customer: Customer
    ) -> None:
        """CC-05: used directly or through a type below it: neither renamed nor deleted."""
        major = _add(admin, "시설")
        used = _add(admin, "누수", major)
        unused = _add(admin, "소음", major)
        open_ticket(agent, customer, used)

        for locked in (used, major):
            with pytest.raises(RecordLocked):
                types.rename_type(actor=actor(admin), type_id=locked.pk, name="바뀐 이름")
            with pytest.raises(RecordLocked):
                types.rename_type(
                    actor=actor(admin), type_id=locked.pk, name=locked.name, code="99"
                )
            with pytest.raises(RecordLocked):
                types.delete_type(actor=actor(admin), type_id=locked.pk)
        with translation.override("en"), pytest.raises(RecordLocked) as message:
            types.delete_type(actor=actor(admin), type_id=used.pk)
        types.rename_type(actor=actor(admin), type_id=unused.pk, name="층간소음")
        renamed = ConsultationType.objects.get(pk=unused.pk).name
        types.delete_type(actor=actor(admin), type_id=unused.pk)

        assert message.value.message == "누수 is used by 1 consultation and cannot be deleted."
        assert renamed == "층간소음"
        assert _names() == ["시설", "시설 > 누수"]
        assert [(n.path, n.usage, n.locked) for n in types.flat_types()] == [
            ("시설", 1, True),
            ("시설 > 누수", 1, True),
        ]

    def test_a_locked_type_may_still_move_in_the_order(
        self, admin: User, agent: User, customer: Customer
    ) -> None:
        first, second = _add(admin, "배송"), _add(admin, "반품")
        open_ticket(agent, customer, second)

        types.rename_type(actor=actor(admin), type_id=second.pk, name="반품", sort_order=0)
        types.rename_type(actor=actor(admin), type_id=first.pk, name="배송", sort_order=5)

        assert _names() == ["반품", "배송"]

    def test_a_type_with_types_below_it_is_deleted_after_them(self, admin: User) -> None:
        major = _add(admin, "시설")
        child = _add(admin, "누수", major)

        with translation.override("en"), pytest.raises(RecordLocked) as refused:
            types.delete_type(actor=actor(admin), type_id=major.pk)
        types.delete_type(actor=actor(admin), type_id=child.pk)
        types.delete_type(actor=actor(admin), type_id=major.pk)

        assert refused.value.message == "시설 has 1 type below it; delete it first."
        assert _names() == []

    def test_every_change_is_in_the_work_history(self, admin: User) -> None:
        kind = _add(admin, "시설")
        types.rename_type(actor=actor(admin), type_id=kind.pk, name="시설물")
        with pytest.raises(InvalidInput):
            _add(admin, "시설물")
        types.delete_type(actor=actor(admin), type_id=kind.pk)

        rows = WorkEvent.objects.filter(screen=WorkScreen.CONSULTATION_TYPES).order_by("pk")
        assert [(e.action, e.result, e.detail) for e in rows] == [
            (WorkAction.CREATE, WorkResult.SUCCESS, "시설"),
            (WorkAction.UPDATE, WorkResult.SUCCESS, "시설 -> 시설물"),
            (WorkAction.CREATE, WorkResult.FAILURE, ""),
            (WorkAction.DELETE, WorkResult.SUCCESS, "시설물"),
        ]

    def test_another_organizations_type_cannot_be_touched(
        self, admin: User, other_organization: Organization
    ) -> None:
        with tenant_scope(other_organization):
            foreign = make_type(other_organization, "남의 유형")

        with pytest.raises(NotFound):
            types.rename_type(actor=actor(admin), type_id=foreign.pk, name="탈취")
        with pytest.raises(NotFound):
            types.delete_type(actor=actor(admin), type_id=foreign.pk)
        with pytest.raises(InvalidInput):
            _add(admin, "하위", foreign)
        assert _names() == []


# ------------------------------------------------------------------------------------ the page


@pytest.fixture
def admin_en(client_of: ClientOf, admin: User) -> Client:
    """The administrator's pages in English, so messages compare with their msgids."""
    admin.language = "en"
    admin.save(update_fields=["language"])
    return client_of(admin)


def _flash(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_page_adds_types_and_names_the_field_of_a_duplicate(
    admin_en: Client, organization: Organization
) -> None:
    added = admin_en.post(TYPES, {"name": "시설", "code": "10"})
    with tenant_scope(organization):
        major = ConsultationType.objects.get()
    child = admin_en.post(TYPES, {"name": "누수", "parent": major.pk})
    duplicate = admin_en.post(TYPES, {"name": "누수", "parent": major.pk})

    assert added.status_code == 302
    assert child.status_code == 302
    assert duplicate.status_code == 200
    assert _flash(duplicate)[-1] == (
        "Please check your input. Type name: 10 시설 already has a type named 누수."
    )
    assert duplicate.context["create_form"]["name"].value() == "누수"
    with tenant_scope(organization):
        assert _names() == ["10 시설", "10 시설 > 누수"]


def test_the_page_marks_used_types_locked_and_offers_no_delete(
    admin_en: Client, organization: Organization, agent: User
) -> None:
    with tenant_scope(organization):
        used = make_type(organization, "누수")
        free = make_type(organization, "소음")
        open_ticket(agent, make_customer(agent), used)

    html = admin_en.get(TYPES).content.decode()
    used_row = html.split(f'data-testid="type-{used.pk}"')[1].split("</tr>")[0]
    free_row = html.split(f'data-testid="type-{free.pk}"')[1].split("</tr>")[0]

    assert "used by 1 consultation" in used_row
    assert 'data-testid="delete-type"' not in used_row
    assert 'data-testid="locked"' not in free_row
    assert 'data-testid="delete-type"' in free_row


def test_renaming_a_used_type_on_the_page_is_refused_with_the_reason(
    admin_en: Client, organization: Organization, agent: User
) -> None:
    with tenant_scope(organization):
        used = make_type(organization, "누수")
        open_ticket(agent, make_customer(agent), used)

    renamed = admin_en.post(
        f"{TYPES}{used.pk}/edit/", {"name": "바뀐 이름", "code": "", "sort_order": 0}, follow=True
    )
    deleted = admin_en.post(f"{TYPES}{used.pk}/delete/", follow=True)

    assert _flash(renamed) == ["누수 is used by 1 consultation and cannot be changed."]
    assert _flash(deleted) == ["누수 is used by 1 consultation and cannot be deleted."]
    with tenant_scope(organization):
        assert ConsultationType.objects.get(pk=used.pk).name == "누수"


def test_the_type_pages_are_for_administrators_only(
    client_of: ClientOf, organization: Organization
) -> None:
    agent = make_agent(organization, "plain")
    with tenant_scope(organization):
        kind = make_type(organization)
    client = client_of(agent)

    assert client.get(TYPES).status_code == 403
    assert client.post(TYPES, {"name": "몰래"}).status_code == 403
    assert client.post(f"{TYPES}{kind.pk}/delete/").status_code == 403
    with tenant_scope(organization):
        assert _names() == ["시설문의"]
