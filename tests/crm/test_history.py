"""상담내역 관리 (SPEC CC-48..53, G-CC-03/04): the administrators' consultation history."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from sangdam.accounts.enums import Role, WorkAction, WorkResult, WorkScreen
from sangdam.accounts.models import User, WorkEvent
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm import history, tickets
from sangdam.crm.enums import TicketEventKind
from sangdam.crm.models import ConsultationType, Customer, Ticket, TicketNote
from tests.conftest import ClientOf
from tests.crm.crm import actor, make_agent, make_customer, make_type, open_ticket
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
# The last day of March: one month back is the last day of February (G-CC-04).
NOW = dt.datetime(2026, 3, 31, 10, 0, tzinfo=SEOUL)
HISTORY = "/crm/history/"


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def english(user: User, **flags: bool) -> User:
    """Pages in English, so messages compare with their msgids; optional permission flags."""
    user.language = "en"
    for name, value in flags.items():
        setattr(user, name, value)
    user.save()
    return user


def _flash(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@dataclass
class World:
    major: ConsultationType
    leak: ConsultationType
    bath: ConsultationType
    noise: ConsultationType
    other: ConsultationType
    hong: Customer
    kim: Customer
    old: Ticket
    t1: Ticket
    t2: Ticket
    t3: Ticket
    agent2: User


@pytest.fixture
def world(
    clock: time_machine.Traveller, organization: Organization, agent: User, admin: User
) -> World:
    with tenant_scope(organization):
        major = make_type(organization, "시설")
        leak = make_type(organization, "누수", major)
        bath = make_type(organization, "욕실", leak)
        noise = make_type(organization, "소음", major)
        other = make_type(organization, "기타")
        hong = make_customer(agent, apartment="래미안", block="101", unit="1203")
        kim = make_customer(
            agent, "김철수", "010-2222-3333", apartment="자이", block="202", unit="301"
        )
        agent2 = make_agent(organization, "agent2", name="이상담")
        clock.move_to(NOW - dt.timedelta(days=40))
        old = open_ticket(agent, hong, bath, "오래된 상담")
        clock.move_to(NOW - dt.timedelta(days=10))
        t1 = open_ticket(agent, hong, bath, "욕실 천장에서 물이 샙니다")
        clock.move_to(NOW - dt.timedelta(days=3))
        t2 = open_ticket(agent2, kim, noise, "윗집 소음")
        clock.move_to(NOW - dt.timedelta(hours=1))
        t3 = open_ticket(agent, kim, other, "기타 문의")
        clock.move_to(NOW)
    return World(major, leak, bath, noise, other, hong, kim, old, t1, t2, t3, agent2)


@pytest.fixture
def admin_en(client_of: ClientOf, admin: User, world: World) -> Client:
    return client_of(english(admin))


def _numbers(response: Any) -> list[str]:
    return [row["ticket"].number_label for row in response.context["rows"]]


# ------------------------------------------------------------------------------- the search


def test_the_default_search_covers_the_last_month_newest_first(
    admin_en: Client, world: World
) -> None:
    response = admin_en.get(HISTORY)

    assert response.status_code == 200
    assert _numbers(response) == [t.number_label for t in (world.t3, world.t2, world.t1)]
    form = response.context["form"]
    assert (form["start"].value(), form["end"].value()) == (dt.date(2026, 2, 28), NOW.date())


def test_a_period_inside_the_month_returns_results_and_one_beyond_is_refused(
    admin_en: Client, world: World
) -> None:
    """CC-48 / G-CC-04: the start may be no earlier than today minus one month."""
    inside = admin_en.get(HISTORY, {"start": "2026-02-28", "end": "2026-03-29"})
    beyond = admin_en.get(HISTORY, {"start": "2026-02-27", "end": "2026-03-31"})

    assert _numbers(inside) == [world.t2.number_label, world.t1.number_label]
    assert beyond.context["page"] is None
    assert beyond.context["form"].errors == {
        "start": ["The period can start on 2026-02-28 at the earliest."]
    }
    assert _flash(beyond) == [
        "Please check your input. From: The period can start on 2026-02-28 at the earliest."
    ]
    assert "history-table" not in beyond.content.decode()


def test_a_type_filter_includes_the_types_below_it(admin_en: Client, world: World) -> None:
    major = admin_en.get(HISTORY, {"type": world.major.pk})
    middle = admin_en.get(HISTORY, {"type": world.leak.pk})
    minor = admin_en.get(HISTORY, {"type": world.noise.pk})

    assert _numbers(major) == [world.t2.number_label, world.t1.number_label]
    assert _numbers(middle) == [world.t1.number_label]
    assert _numbers(minor) == [world.t2.number_label]


def test_agent_and_apartment_filters(admin_en: Client, world: World, agent: User) -> None:
    by_agent = admin_en.get(HISTORY, {"agent": world.agent2.pk})
    by_apartment = admin_en.get(HISTORY, {"apartment": "래미"})
    both = admin_en.get(HISTORY, {"agent": str(agent.pk), "apartment": "자이"})

    assert _numbers(by_agent) == [world.t2.number_label]
    assert _numbers(by_apartment) == [world.t1.number_label]
    assert _numbers(both) == [world.t3.number_label]


def test_a_row_shows_the_case_and_opens_the_customer_window(
    admin_en: Client, world: World, agent: User
) -> None:
    with tenant_scope(world.t1.organization):
        tickets.add_consultation(world.t1.pk, world.t1.version, "다시 전화 옴", actor(agent))

    html = admin_en.get(HISTORY).content.decode()
    row = html.split(f'data-testid="row-{world.t1.number_label}"')[1].split("</tr>")[0]

    assert "2026-03-21 10:00" in row
    assert "김상담" in row
    assert "홍길동" in row
    assert "래미안 101동 1203호" in row
    assert '<span class="sd-path-up">시설 &gt; 누수</span><span>욕실</span>' in row
    assert "욕실 천장에서 물이 샙니다" in row
    assert "+1" in row
    assert f'href="/crm/customers/{world.hong.pk}/"' in row  # CC-53
    assert f'href="/crm/history/{world.t1.pk}/' in row


def test_the_history_is_for_administrators_of_the_tenant_only(
    client_of: ClientOf, world: World, agent: User, other_admin: User
) -> None:
    agent.can_export = True
    agent.can_edit_consultations = True
    agent.save()
    as_agent = client_of(agent)
    outsider = client_of(other_admin)

    assert as_agent.get(HISTORY).status_code == 403
    assert as_agent.get(f"{HISTORY}{world.t1.pk}/").status_code == 403
    assert as_agent.get(f"{HISTORY}export/").status_code == 403
    assert outsider.get(HISTORY).context["rows"] == []
    assert outsider.get(f"{HISTORY}{world.t1.pk}/").status_code == 404


# --------------------------------------------------------------------------- detail & edits


def _form_of(html: str) -> dict[str, str]:
    """What the browser submits from the case form untouched: the version and every text."""
    form = html.split('data-testid="case-form"')[1].split("</form>")[0]
    version = re.search(r'name="version" value="(\d+)"', form)
    assert version is not None
    values = {"version": version[1]}
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        values[name] = unescape(text)
    return values


def _open(client: Client, ticket: Ticket) -> tuple[Any, dict[str, str]]:
    response: Any = client.get(f"{HISTORY}{ticket.pk}/")
    return response, _form_of(response.content.decode())


def _save(client: Client, ticket: Ticket, data: dict[str, Any]) -> Any:
    response: Any = client.post(f"{HISTORY}{ticket.pk}/", data)
    return response


def _notes(ticket: Ticket) -> list[str]:
    return list(
        TicketNote.all_objects.filter(ticket_id=ticket.pk)
        .order_by("created_at", "pk")
        .values_list("content", flat=True)
    )


def _case(
    clock: time_machine.Traveller, author: User, customer: Customer, kind: ConsultationType
) -> tuple[Ticket, TicketNote, TicketNote]:
    """A case written now by ``author`` with two added consultations."""
    with tenant_scope(author.organization):
        ticket = open_ticket(author, customer, kind, "첫 상담")
        first = tickets.add_consultation(ticket.pk, ticket.version, "추가 하나", actor(author))
        ticket.refresh_from_db()
        second = tickets.add_consultation(ticket.pk, ticket.version, "추가 둘", actor(author))
        ticket.refresh_from_db()
    return ticket, first, second


def test_saving_the_form_unchanged_changes_nothing(
    admin_en: Client, admin: User, world: World, clock: time_machine.Traveller
) -> None:
    """CC-49: only 변경내용 저장 with a change applies anything."""
    ticket, first, second = _case(clock, admin, world.hong, world.other)

    _page, form = _open(admin_en, ticket)
    response = _save(admin_en, ticket, form)

    assert sorted(form) == sorted(
        ["version", "case-content", f"note-{first.pk}-content", f"note-{second.pk}-content"]
    )
    assert response.status_code == 302
    assert _flash(admin_en.get(response["Location"]))[-1] == "There were no changes to save."
    assert Ticket.all_objects.get(pk=ticket.pk).version == ticket.version
    assert _notes(ticket) == ["추가 하나", "추가 둘"]


def test_edits_and_a_deletion_apply_together_on_save_and_the_other_entries_stay(
    admin_en: Client, admin: User, world: World, clock: time_machine.Traveller
) -> None:
    """CC-49: edit and save persists; deleting one entry of a case leaves the others."""
    ticket, first, second = _case(clock, admin, world.hong, world.other)
    _page, form = _open(admin_en, ticket)

    form["case-content"] = "첫 상담 (정정)"
    form[f"note-{second.pk}-content"] = "추가 둘 (정정)"
    form[f"note-{first.pk}-delete"] = "on"
    response = _save(admin_en, ticket, form)

    assert response.status_code == 302
    saved = Ticket.all_objects.get(pk=ticket.pk)
    assert saved.content == "첫 상담 (정정)"
    assert _notes(ticket) == ["추가 둘 (정정)"]
    kinds = list(saved.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[-3:] == [
        TicketEventKind.EDITED,
        TicketEventKind.CONSULTATION_EDITED,
        TicketEventKind.CONSULTATION_DELETED,
    ]
    work = WorkEvent.all_objects.filter(screen=WorkScreen.CONSULTATION_HISTORY).get()
    assert (work.action, work.result) == (WorkAction.UPDATE, WorkResult.SUCCESS)
    assert work.detail == f"{ticket.number_label}: content edited, 1 added edited, 1 added deleted"


def test_a_refused_entry_saves_nothing_of_the_form(
    admin_en: Client, admin: User, agent: User, world: World, clock: time_machine.Traveller
) -> None:
    ticket, mine, _second = _case(clock, admin, world.hong, world.other)
    with tenant_scope(admin.organization):
        ticket.refresh_from_db()
        theirs = tickets.add_consultation(ticket.pk, ticket.version, "남의 상담", actor(agent))
    page, form = _open(admin_en, ticket)

    form[f"note-{mine.pk}-content"] = "내 상담 고침"
    form[f"note-{theirs.pk}-delete"] = "on"  # no control is shown for it; sent anyway
    response = _save(admin_en, ticket, form)

    assert f'data-testid="delete-note-{theirs.pk}"' not in page.content.decode()
    assert response.status_code == 403
    assert _flash(response)[-1].startswith("The consultation of 2026-03-31 10:00:00 can no longer")
    assert _notes(ticket) == ["추가 하나", "추가 둘", "남의 상담"]


def test_a_stale_form_is_refused_and_names_who_changed_the_case(
    admin_en: Client, admin: User, agent: User, world: World, clock: time_machine.Traveller
) -> None:
    ticket, first, _second = _case(clock, admin, world.hong, world.other)
    _page, form = _open(admin_en, ticket)
    clock.move_to(NOW + dt.timedelta(minutes=5))
    with tenant_scope(admin.organization):
        ticket.refresh_from_db()
        tickets.add_consultation(ticket.pk, ticket.version, "그 사이 추가", actor(agent))

    form[f"note-{first.pk}-content"] = "늦은 수정"
    response = _save(admin_en, ticket, form)

    assert response.status_code == 409
    assert _flash(response)[-1] == (
        f"Ticket {ticket.number_label} was changed by 김상담 at 2026-03-31 10:05:00 after you "
        "opened it. Reload it to see the changes; yours were not saved."
    )
    assert _notes(ticket) == ["추가 하나", "추가 둘", "그 사이 추가"]


def test_deleting_the_case_entry_deletes_the_whole_case(
    admin_en: Client, admin: User, world: World, clock: time_machine.Traveller
) -> None:
    ticket, _first, _second = _case(clock, admin, world.hong, world.other)
    _page, form = _open(admin_en, ticket)

    form["delete_case"] = "on"
    response = _save(admin_en, ticket, form)

    assert response.status_code == 302
    assert response["Location"].startswith(HISTORY)
    assert not Ticket.all_objects.filter(pk=ticket.pk).exists()
    assert TicketNote.all_objects.filter(ticket_id=ticket.pk).count() == 0


def test_a_history_editor_changes_another_agents_three_day_old_entry(
    client_of: ClientOf, admin: User, world: World
) -> None:
    """CC-50: the 상담내역 편집 permission edits and deletes everything, at any time."""
    editor = client_of(english(admin, can_edit_consultations=True))
    page, form = _open(editor, world.t2)  # written by agent2 three days ago

    form["case-content"] = "편집자가 고침"
    response = _save(editor, world.t2, form)

    assert 'data-testid="edit-case"' in page.content.decode()
    assert response.status_code == 302
    assert Ticket.all_objects.get(pk=world.t2.pk).content == "편집자가 고침"


@pytest.mark.parametrize(("hours", "allowed"), [(23, True), (25, False)])
def test_a_normal_user_changes_their_own_entry_for_24_hours(
    client_of: ClientOf,
    admin: User,
    world: World,
    clock: time_machine.Traveller,
    hours: int,
    allowed: bool,
) -> None:
    """CC-51 / G-CC-03: without the permission, one's own entries for 24 hours only."""
    ticket, first, _second = _case(clock, admin, world.hong, world.other)
    clock.move_to(NOW + dt.timedelta(hours=hours))
    client = client_of(english(admin))
    page, form = _open(client, ticket)

    form[f"note-{first.pk}-content"] = "시간 지나 고침"
    form[f"note-{first.pk}-delete"] = ""
    response = _save(client, ticket, form)

    html = page.content.decode()
    assert (f'data-testid="edit-note-{first.pk}"' in html) is allowed
    if allowed:
        assert response.status_code == 302
        assert _notes(ticket)[0] == "시간 지나 고침"
    else:
        assert "Written more than 24 hours ago" in html
        assert response.status_code == 403
        assert _notes(ticket)[0] == "추가 하나"


def test_a_normal_user_cannot_change_another_users_entry(
    client_of: ClientOf, admin: User, world: World
) -> None:
    """CC-51: another user's entry is refused even when fresh."""
    client = client_of(english(admin))
    page, form = _open(client, world.t3)  # written by the agent an hour ago

    form["case-content"] = "남의 글 고침"
    refused = _save(client, world.t3, form)
    form["delete_case"] = "on"
    not_deleted = _save(client, world.t3, form)

    assert "Written by someone else" in page.content.decode()
    assert (refused.status_code, not_deleted.status_code) == (403, 403)
    assert Ticket.all_objects.get(pk=world.t3.pk).content == "기타 문의"


# ----------------------------------------------------------------------------------- export


def _sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def test_an_export_holds_the_rows_of_the_search_and_is_in_the_work_history(
    client_of: ClientOf, admin: User, world: World
) -> None:
    """CC-52: the searched results, every page, as .xlsx; recorded with filter and count."""
    client = client_of(english(admin, can_export=True))
    query: dict[str, Any] = {"start": "2026-03-01", "end": "2026-03-31", "type": world.major.pk}

    page = client.get(HISTORY, query)
    export = client.get(f"{HISTORY}export/", query)

    assert 'data-testid="export"' in page.content.decode()
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _sheet_rows(export)
    assert rows[0][:4] == ("Ticket number", "Received at", "Agent", "Customer name")
    assert [row[0] for row in rows[1:]] == _numbers(page)
    assert rows[1][1:4] == ("2026-03-28 10:00:00", "이상담", "김철수")
    assert rows[1][5:10] == ("자이", "202", "301", "시설 > 소음", "01:Received")
    event = WorkEvent.all_objects.get(
        screen=WorkScreen.CONSULTATION_HISTORY, action=WorkAction.EXPORT
    )
    assert event.result == WorkResult.SUCCESS
    assert event.detail == f"2026-03-01~2026-03-31, type={world.major.pk}; 2 rows"


def test_without_the_export_permission_there_is_no_button_and_no_file(
    admin_en: Client, world: World
) -> None:
    page = admin_en.get(HISTORY)
    export = admin_en.get(f"{HISTORY}export/")

    assert 'data-testid="export"' not in page.content.decode()
    assert export.status_code == 403
    assert not export["Content-Type"].startswith("application/vnd.openxmlformats")
    event = WorkEvent.all_objects.get(action=WorkAction.EXPORT)
    assert event.result == WorkResult.FAILURE


def test_an_export_of_a_refused_period_returns_to_the_search(
    client_of: ClientOf, admin: User, world: World
) -> None:
    client = client_of(english(admin, can_export=True))

    response = client.get(f"{HISTORY}export/", {"start": "2026-01-01"}, follow=True)

    assert response.redirect_chain[0][0].startswith(f"{HISTORY}?start=2026-01-01")
    assert _flash(response) == [
        "Please check your input. From: The period can start on 2026-02-28 at the earliest."
    ]


def test_other_tenants_consultations_are_never_exported(
    client_of: ClientOf, world: World, other_organization: Organization
) -> None:
    boss = make_user(
        organization=other_organization,
        username="boss",
        role=Role.ORG_ADMIN,
        can_export=True,
        language="en",
    )
    export = client_of(boss).get(f"{HISTORY}export/")

    assert export.status_code == 200
    assert _sheet_rows(export)[1:] == []


def test_an_export_larger_than_the_cap_is_refused_with_the_reason(
    client_of: ClientOf, admin: User, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "EXPORT_LIMIT", 2)
    client = client_of(english(admin, can_export=True))

    response = client.get(f"{HISTORY}export/", follow=True)

    assert _flash(response) == [
        "The search found 3 consultations; one export holds at most 2. Narrow the search and "
        "export again."
    ]
    event = WorkEvent.all_objects.get(action=WorkAction.EXPORT)
    assert (event.result, event.detail) == (
        WorkResult.FAILURE,
        "2026-02-28~2026-03-31; 3 rows",
    )
