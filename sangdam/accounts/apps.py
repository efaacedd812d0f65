from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sangdam.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from sangdam.accounts.enums import Role  # noqa: PLC0415 -- app ready
        from sangdam.core.navigation import NavItem, register  # noqa: PLC0415 -- app ready

        admin = frozenset({Role.ORG_ADMIN.value})
        everyone = frozenset(Role.values)
        section = _("Administration")
        register(
            NavItem(_("Overview"), "accounts:admin-home", "speedometer2", admin, section, 10),
            NavItem(_("Accounts"), "accounts:account-list", "people", admin, section, 20),
            NavItem(_("Agent groups"), "accounts:agent-groups", "diagram-3", admin, section, 30),
            NavItem(
                _("Login history"), "accounts:login-history", "clock-history", admin, section, 40
            ),
            NavItem(_("Work history"), "accounts:work-history", "journal-text", admin, section, 50),
            NavItem(
                _("Access control"), "accounts:access-control", "shield-lock", admin, section, 60
            ),
            NavItem(_("Organization"), "accounts:organization", "building", admin, section, 70),
            NavItem(
                _("Agent home"),
                "accounts:agent-home",
                "headset",
                frozenset({Role.AGENT.value}),
                _("Contact center"),
                10,
            ),
            NavItem(
                _("My account"), "accounts:profile", "person-gear", everyone, _("Account"), 900
            ),
            NavItem(_("Change password"), "accounts:password", "key", everyone, _("Account"), 910),
        )
