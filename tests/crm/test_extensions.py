"""내선번호 관리 (SPEC CC-07, G-CC-02): extension length, per-account extensions, one rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sangdam.accounts.enums import Role, WorkAction, WorkResult, WorkScreen
from sangdam.accounts.models import User, WorkEvent
from sangdam.core.models import Organization
from tests.accounts.test_api import Api, token_for
from tests.conftest import ClientOf
from tests.crm.crm import make_agent
from tests.factories import make_user

pytestmark = pytest.mark.django_db
EXTENSIONS = "/crm/extensions/"


@pytest.fixture
def admin_en(client_of: ClientOf, admin: User) -> Client:
    """The administrator's pages in English, so messages compare with their msgids."""
    admin.language = "en"
    admin.save(update_fields=["language"])
    return client_of(admin)


def _flash(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _set(client: Client, user: User, extension: str, **extra: Any) -> Any:
    response: Any = client.post(
        f"{EXTENSIONS}{user.pk}/", {f"user-{user.pk}-extension": extension}, **extra
    )
    return response


def _length(client: Client, length: int) -> Any:
    response: Any = client.post(EXTENSIONS, {"extension_length": length})
    return response


def _extension_of(user: User) -> str:
    return User.all_objects.get(pk=user.pk).extension


def test_a_five_digit_extension_is_refused_at_length_4_and_saved_at_length_5(
    admin_en: Client, agent: User, organization: Organization
) -> None:
    """CC-07: only extensions of up to the tenant's length (4 by default)."""
    refused = _set(admin_en, agent, "40315")
    widened = _length(admin_en, 5)
    saved = _set(admin_en, agent, "40315")

    assert refused.status_code == 200
    assert _flash(refused) == [
        "Extension: Extension 40315 has 5 digits; extensions have at most 4 digits here."
    ]
    assert widened.status_code == 302
    assert saved.status_code == 302
    assert _extension_of(agent) == "40315"
    organization.refresh_from_db()
    assert organization.extension_length == 5


def test_an_extension_is_digits_only_unique_and_may_be_removed(
    admin_en: Client, agent: User, organization: Organization
) -> None:
    second = make_agent(organization, "agent2", name="이상담")

    letters = _set(admin_en, second, "12a4")
    taken = _set(admin_en, second, "1001")
    saved = _set(admin_en, second, "1002")
    removed = _set(admin_en, agent, "")

    assert _flash(letters) == ["Extension: Use digits only."]
    assert _flash(taken) == ["Extension: Extension 1001 is already assigned to 김상담 (agent1)."]
    assert (saved.status_code, removed.status_code) == (302, 302)
    assert (_extension_of(second), _extension_of(agent)) == ("1002", "")


def test_the_page_lists_agents_and_administrators_and_they_may_hold_extensions(
    admin_en: Client, admin: User, agent: User
) -> None:
    page = admin_en.get(EXTENSIONS).content.decode()
    saved = _set(admin_en, admin, "1000")

    assert 'data-testid="holder-admin"' in page
    assert 'data-testid="holder-agent1"' in page
    assert 'value="1001"' in page
    assert saved.status_code == 302
    assert _extension_of(admin) == "1000"


def test_lowering_the_length_is_refused_while_longer_extensions_exist(
    admin_en: Client, agent: User, organization: Organization
) -> None:
    organization.extension_length = 5
    organization.save(update_fields=["extension_length"])
    _set(admin_en, agent, "40315")

    refused = _length(admin_en, 4)
    _set(admin_en, agent, "4031")
    lowered = _length(admin_en, 4)

    assert _flash(refused)[-1] == (
        "Please check your input. Extension length: These accounts hold extensions longer "
        "than 4 digits: 김상담 (agent1) 40315. Change their extensions first."
    )
    assert lowered.status_code == 302
    organization.refresh_from_db()
    assert organization.extension_length == 4


def test_changes_are_in_the_work_history(admin_en: Client, agent: User) -> None:
    _set(admin_en, agent, "1005")
    _set(admin_en, agent, "99999")
    _length(admin_en, 5)

    rows = WorkEvent.all_objects.filter(screen=WorkScreen.EXTENSIONS).order_by("pk")
    assert [(e.action, e.result, e.detail) for e in rows] == [
        (WorkAction.UPDATE, WorkResult.SUCCESS, "agent1: 1001 -> 1005"),
        (WorkAction.UPDATE, WorkResult.FAILURE, "agent1: 1005 -> 99999"),
        (WorkAction.UPDATE, WorkResult.SUCCESS, "extension length 4 -> 5"),
    ]


def test_extensions_are_for_administrators_and_stay_in_the_tenant(
    client_of: ClientOf, admin_en: Client, agent: User, other_admin: User
) -> None:
    outsider = make_user(
        organization=other_admin.organization, username="far", role=Role.AGENT, extension="2001"
    )

    by_agent = client_of(agent).get(EXTENSIONS)
    foreign = _set(admin_en, outsider, "2002", follow=True)
    same_number = _set(admin_en, agent, "2001")

    assert by_agent.status_code == 403
    assert _flash(foreign) == ["That account does not exist."]
    assert _extension_of(outsider) == "2001"
    assert same_number.status_code == 302  # another tenant's number does not count
    assert _extension_of(agent) == "2001"


# ------------------------------------------------------------- the same rule on the accounts


def test_the_account_form_applies_the_same_length_rule(
    admin_en: Client, agent: User, organization: Organization
) -> None:
    form = {"role": "AGENT", "username": "longext", "name": "긴번호", "extension": "40315"}

    refused = admin_en.post("/manage/accounts/new/", form)
    organization.extension_length = 5
    organization.save(update_fields=["extension_length"])
    issued = admin_en.post("/manage/accounts/new/", form)

    assert refused.context["form"].errors == {
        "extension": ["Extension 40315 has 5 digits; extensions have at most 4 digits here."]
    }
    assert issued.status_code == 302
    assert User.all_objects.get(username="longext").extension == "40315"


def test_the_accounts_api_applies_the_same_length_rule(admin: User, agent: User) -> None:
    api = Api(token_for(admin))

    refused = api.send("patch", f"/accounts/{agent.pk}", {"extension": "12345"})

    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "extension"
    assert _extension_of(agent) == "1001"


def test_automatic_extensions_have_the_tenants_length(
    admin_en: Client, agent: User, organization: Organization
) -> None:
    admin_en.post("/manage/accounts/new/", {"role": "AGENT", "username": "four", "name": "넷"})
    organization.extension_length = 5
    organization.save(update_fields=["extension_length"])
    admin_en.post("/manage/accounts/new/", {"role": "AGENT", "username": "five", "name": "다섯"})

    assert User.all_objects.get(username="four").extension == "1002"
    assert User.all_objects.get(username="five").extension == "10001"


def test_an_administrators_extension_survives_editing_the_account(
    admin_en: Client, admin: User
) -> None:
    _set(admin_en, admin, "1000")

    edited = admin_en.post(
        f"/manage/accounts/{admin.pk}/",
        {"role": "ORG_ADMIN", "name": "관리자", "extension": "1000"},
    )

    assert edited.status_code == 302
    assert _extension_of(admin) == "1000"
