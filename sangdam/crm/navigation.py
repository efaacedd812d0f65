"""The contact-center menu entries (registered when the app is ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sangdam.accounts.enums import Role
from sangdam.core.navigation import NavItem, register

workers = frozenset({Role.ORG_ADMIN.value, Role.AGENT.value})
admins = frozenset({Role.ORG_ADMIN.value})
work = _("Consultation")
manage = _("Consultation management")

register(
    NavItem(_("Customers"), "crm:customers", "person-vcard", workers, work, 200),
    NavItem(_("CS registration"), "crm:ticket-new", "pencil-square", workers, work, 210),
    NavItem(_("My work queues"), "crm:queues", "inboxes", workers, work, 220),
    NavItem(_("Incomplete consultations"), "crm:incomplete", "hourglass-split", workers, work, 230),
    NavItem(_("Recalls"), "crm:recalls", "telephone-outbound", workers, work, 240),
    NavItem(_("All consultation history"), "crm:all-history", "search", workers, work, 250),
    NavItem(_("Recent transfers"), "crm:recent-transfers", "arrow-left-right", workers, work, 260),
    NavItem(_("Temp-saved tickets"), "crm:drafts", "file-earmark", workers, work, 270),
    NavItem(
        _("Customer upload"),
        "crm:upload",
        "upload",
        workers,
        manage,
        300,
        visible=lambda user: bool(getattr(user, "can_upload_customers", False)),
    ),
    NavItem(_("Manage consultation history"), "crm:history", "journal-text", admins, manage, 310),
    NavItem(_("Consultation types"), "crm:types", "diagram-3", admins, manage, 320),
    NavItem(_("Extensions"), "crm:extensions", "telephone", admins, manage, 330),
)
