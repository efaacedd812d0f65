"""내선번호 관리 (SPEC CC-07, G-CC-02): the tenant's extension length and each worker's extension.

The length rule itself lives with the accounts (``accounts.services.extension_errors``) so the
account form, the accounts API and this page refuse the same extensions.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from sangdam.accounts.audit import Actor, record_work
from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.accounts.models import User
from sangdam.accounts.services import extension_errors
from sangdam.core.errors import InvalidInput, NotFound
from sangdam.core.models import Organization
from sangdam.crm.tickets import WORK_ROLES

SHORTEST_LENGTH, LONGEST_LENGTH = 2, 5
# How many accounts a refusal names before it says "and N more".
_NAMED = 10


def extension_holders() -> QuerySet[User]:
    """The tenant's agents and administrators, who may hold an extension, by name."""
    return (
        User.objects.filter(deleted_at__isnull=True, role__in=WORK_ROLES)
        .select_related("group")
        .order_by("name", "pk")
    )


def _lock_organization(actor: Actor) -> Organization:
    # Serializes with the account saves, which lock the same row (PostgreSQL; SQLite's
    # IMMEDIATE transactions serialize anyway).
    organization = (
        Organization.objects.select_for_update().filter(pk=actor.user.organization_id).first()
    )
    assert organization is not None
    return organization


def set_extension(*, actor: Actor, user_id: int, extension: str) -> User:
    """Give an agent or administrator an extension, or none (blank).

    :raises InvalidInput: not digits, longer than the tenant's length, or held by another account.
    :raises NotFound: no such agent or administrator in the tenant.
    """
    extension = extension.strip()
    with record_work(actor, WorkScreen.EXTENSIONS, WorkAction.UPDATE) as work:
        organization = _lock_organization(actor)
        user = User.objects.filter(pk=user_id, deleted_at__isnull=True, role__in=WORK_ROLES).first()
        if user is None:
            raise NotFound(_("That account does not exist."))
        work.detail = f"{user.username}: {user.extension or '-'} -> {extension or '-'}"
        if extension:
            problems = extension_errors(extension, organization.extension_length)
            if problems:
                raise InvalidInput({"extension": problems})
            holder = (
                User.objects.filter(deleted_at__isnull=True, extension=extension)
                .exclude(pk=user.pk)
                .first()
            )
            if holder is not None:
                raise InvalidInput.single(
                    "extension",
                    _("Extension %(extension)s is already assigned to %(holder)s.")
                    % {"extension": extension, "holder": holder.actor_label},
                )
        user.extension = extension
        try:
            with transaction.atomic():
                user.save(update_fields=["extension"])
        except IntegrityError as error:  # another admin took the number at the same moment
            raise InvalidInput.single(
                "extension",
                _("Extension %(extension)s was just assigned to another account.")
                % {"extension": extension},
            ) from error
    return user


def set_extension_length(*, actor: Actor, length: int) -> Organization:
    """Change the tenant's extension length (2 to 5 digits).

    :raises InvalidInput: out of range, or accounts hold extensions longer than the new length.
    """
    if not SHORTEST_LENGTH <= length <= LONGEST_LENGTH:
        raise InvalidInput.single(
            "extension_length",
            _("Choose %(low)d to %(high)d digits.")
            % {"low": SHORTEST_LENGTH, "high": LONGEST_LENGTH},
        )
    with record_work(actor, WorkScreen.EXTENSIONS, WorkAction.UPDATE) as work:
        organization = _lock_organization(actor)
        work.detail = f"extension length {organization.extension_length} -> {length}"
        too_long = list(
            User.objects.filter(deleted_at__isnull=True)
            .annotate(digits=Length("extension"))
            .filter(digits__gt=length)
            .order_by("name", "pk")
        )
        if too_long:
            named = ", ".join(f"{user.actor_label} {user.extension}" for user in too_long[:_NAMED])
            if len(too_long) > _NAMED:
                named += " " + _("and %(count)d more") % {"count": len(too_long) - _NAMED}
            raise InvalidInput.single(
                "extension_length",
                _(
                    "These accounts hold extensions longer than %(length)d digits: %(accounts)s. "
                    "Change their extensions first."
                )
                % {"length": length, "accounts": named},
            )
        organization.extension_length = length
        organization.save(update_fields=["extension_length"])
    return organization
