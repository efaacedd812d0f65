"""Who may call the contact-center API: the same roles the pages let in."""

from django.http import HttpRequest
from django.utils.translation import gettext as _

from sangdam.accounts.access import api_user_with_role
from sangdam.accounts.enums import Role
from sangdam.accounts.models import User
from sangdam.crm.tickets import WORK_ROLES


def require_worker(request: HttpRequest) -> User:
    return api_user_with_role(
        request, WORK_ROLES, _("Only contact-center agents and administrators may do this.")
    )


def require_admin(request: HttpRequest) -> User:
    return api_user_with_role(request, (Role.ORG_ADMIN,), _("Only administrators may do this."))
