"""The messaging menu entries (registered when the app is ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sangdam.accounts.enums import Role
from sangdam.core.navigation import NavItem, register

workers = frozenset({Role.ORG_ADMIN.value, Role.AGENT.value})
admins = frozenset({Role.ORG_ADMIN.value})
work = _("Consultation")
manage = _("Consultation management")

register(
    NavItem(_("Send SMS"), "messaging:compose", "chat-dots", workers, work, 280),
    NavItem(_("SMS history"), "messaging:history", "chat-left-text", admins, manage, 340),
    NavItem(_("Scheduled SMS"), "messaging:scheduled", "alarm", admins, manage, 350),
    NavItem(_("SMS templates"), "messaging:templates", "card-text", admins, manage, 360),
    NavItem(_("SMS settings"), "messaging:settings", "gear", admins, manage, 370),
    NavItem(_("080 opt-out list"), "messaging:opt-outs", "slash-circle", admins, manage, 380),
)
