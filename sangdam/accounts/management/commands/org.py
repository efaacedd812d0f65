"""Platform operators' command: open tenants, change licenses, recover access."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sangdam.accounts import services
from sangdam.accounts.models import AdminNetwork, User
from sangdam.accounts.queries import registered_agents
from sangdam.core.errors import InvalidInput, SangdamError
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope


class Command(BaseCommand):
    help = "Manage organizations (tenants): create, licenses, list, clear-allowlist, unlock."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Open an organization with its first admin.")
        create.add_argument("service_name")
        create.add_argument("--name", required=True, help="Organization name")
        create.add_argument("--licenses", type=int, default=0, help="Licensed agents")
        create.add_argument("--admin", default="admin", help="Login ID of the first admin")
        create.add_argument("--admin-name", default="관리자")
        create.add_argument("--admin-password", default="", help="Empty: generated")
        create.add_argument("--email", default="")
        licenses = actions.add_parser("licenses", help="Set the licensed agent count.")
        licenses.add_argument("service_name")
        licenses.add_argument("count", type=int)
        actions.add_parser("list", help="List organizations with their license use.")
        clear = actions.add_parser(
            "clear-allowlist", help="Remove the admin IP allowlist (an admin locked out)."
        )
        clear.add_argument("service_name")
        unlock = actions.add_parser("unlock", help="Unlock an account locked by failed logins.")
        unlock.add_argument("service_name")
        unlock.add_argument("login_id")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except InvalidInput as error:
            raise CommandError(
                "; ".join(
                    f"{field or 'input'}: {', '.join(m)}" for field, m in error.errors.items()
                )
            ) from error
        except SangdamError as error:
            raise CommandError(error.message) from error

    def _create(self, **options: Any) -> None:
        organization, issued = services.create_organization(
            service_name=options["service_name"],
            name=options["name"],
            licensed_agents=options["licenses"],
            admin_username=options["admin"],
            admin_name=options["admin_name"],
            admin_password=options["admin_password"],
            contact_email=options["email"],
        )
        self.stdout.write(f"Created {organization.service_name} (id {organization.pk}).")
        if issued.generated_password:
            self.stdout.write(
                f"Admin {issued.user.username}: initial password {issued.generated_password} "
                "(must be changed at first login)"
            )

    def _licenses(self, **options: Any) -> None:
        organization = _organization(options["service_name"])
        services.set_licensed_agents(organization=organization, licensed_agents=options["count"])
        self.stdout.write(f"{organization.service_name}: {options['count']} licensed agents.")

    def _list(self, **options: Any) -> None:
        for organization in Organization.objects.order_by("service_name", "id"):
            registered = registered_agents(organization)
            self.stdout.write(
                f"{organization.service_name:<20} {organization.name:<30} "
                f"agents {registered}/{organization.licensed_agents}"
            )

    def _clear_allowlist(self, **options: Any) -> None:
        organization = _organization(options["service_name"])
        with tenant_scope(organization):
            count, _detail = AdminNetwork.objects.all().delete()
        self.stdout.write(f"{organization.service_name}: removed {count} allowlist entries.")

    def _unlock(self, **options: Any) -> None:
        organization = _organization(options["service_name"])
        with tenant_scope(organization):
            updated = User.objects.filter(
                username=options["login_id"], deleted_at__isnull=True
            ).update(locked_until=None, failed_logins=0)
        if not updated:
            raise CommandError(f"No account {options['login_id']} in {organization.service_name}.")
        self.stdout.write(f"Unlocked {options['login_id']}.")


def _organization(service_name: str) -> Organization:
    organization = Organization.objects.filter(service_name=service_name).first()
    if organization is None:
        raise CommandError(f"No organization with the service name {service_name!r}.")
    return organization
