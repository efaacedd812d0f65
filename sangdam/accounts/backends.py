from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from sangdam.accounts.models import User


class OrganizationLoginBackend(BaseBackend):
    """Loads the signed-in user for a session.

    Passwords are checked by ``services.log_in``, which needs the service name, records every
    attempt and applies the lockout, so ``authenticate`` is never the way in.
    """

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        return None

    def get_user(self, user_id: int) -> User | None:
        return (
            User.all_objects.select_related("organization")
            .filter(pk=user_id, deleted_at__isnull=True)
            .first()
        )
