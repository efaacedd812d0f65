"""상담내역 관리 in Debian's chromium: edits apply only on 변경내용 저장 (SPEC CC-49)."""

from __future__ import annotations

from playwright.sync_api import Dialog, Page, expect
from pytest_django.live_server_helper import LiveServer

from sangdam.accounts.enums import Role
from sangdam.core.tenancy import tenant_scope
from sangdam.crm import tickets
from sangdam.crm.models import Ticket, TicketNote
from tests.browser.conftest import log_in
from tests.crm.crm import actor, make_customer, make_type, open_ticket
from tests.factories import make_organization, make_user


def _notes(ticket: Ticket) -> list[str]:
    return list(
        TicketNote.all_objects.filter(ticket_id=ticket.pk)
        .order_by("created_at", "pk")
        .values_list("content", flat=True)
    )


def test_an_edit_left_unsaved_changes_nothing_and_save_applies_edits_and_deletions(
    page: Page, live_server: LiveServer
) -> None:
    organization = make_organization(service_name="acme")
    admin = make_user(
        organization=organization, role=Role.ORG_ADMIN, username="admin", name="관리자"
    )
    with tenant_scope(organization):
        ticket = open_ticket(admin, make_customer(admin), make_type(organization), "첫 상담")
        first = tickets.add_consultation(ticket.pk, ticket.version, "추가 하나", actor(admin))
        ticket.refresh_from_db()
        tickets.add_consultation(ticket.pk, ticket.version, "추가 둘", actor(admin))
    dialogs: list[str] = []

    def leave(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave)
    log_in(page, live_server.url, "acme", "admin", "secret123")
    page.goto(f"{live_server.url}/crm/history/{ticket.pk}/")

    # Edit, then leave without pressing 변경내용 저장: the page warns, and nothing changes.
    page.get_by_test_id("edit-case").click()
    page.fill("textarea[name=case-content]", "저장하지 않은 수정")
    page.get_by_test_id(f"delete-note-{first.pk}").click()
    expect(page.get_by_test_id("unsaved")).to_be_visible()
    page.get_by_test_id("back").click()
    page.wait_for_url(f"{live_server.url}/crm/history/")
    assert dialogs == ["beforeunload"]
    assert Ticket.all_objects.get(pk=ticket.pk).content == "첫 상담"
    assert _notes(ticket) == ["추가 하나", "추가 둘"]

    # Edit and delete again, then save: both apply, the other entry stays.
    page.goto(f"{live_server.url}/crm/history/{ticket.pk}/")
    expect(page.get_by_test_id("entry-case")).to_contain_text("첫 상담")
    page.get_by_test_id("edit-case").click()
    page.fill("textarea[name=case-content]", "고친 첫 상담")
    page.get_by_test_id(f"delete-note-{first.pk}").click()
    page.get_by_test_id("save-changes").click()

    expect(page.get_by_test_id("flash-success")).to_be_visible()
    expect(page.get_by_test_id("entry-case")).to_contain_text("고친 첫 상담")
    assert Ticket.all_objects.get(pk=ticket.pk).content == "고친 첫 상담"
    assert _notes(ticket) == ["추가 둘"]
    assert dialogs == ["beforeunload"]  # saving does not ask
