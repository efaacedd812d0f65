"""Tenant scoping: every query of tenant-owned rows is limited to one organization.

Tenant-owned models declare ``objects = tenant_manager()``. Inside a request the middleware
activates the signed-in user's organization, so views cannot forget to filter; outside a scope
(a management command, a worker) such a query raises ``ScopeError`` instead of reading every
tenant. Code that really spans tenants (login, the platform CLI) says so with
``all_tenants()`` or the model's ``all_objects`` manager.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.db import models
from django_scopes import ScopedManager, scope, scopes_disabled

if TYPE_CHECKING:
    from sangdam.core.models import Organization


def tenant_manager(manager_class: type[models.Manager[Any]] = models.Manager) -> Any:
    return ScopedManager(organization="organization", _manager_class=manager_class)


@contextmanager
def tenant_scope(organization: Organization | None) -> Iterator[None]:
    # django-scopes reads a None value as "no filter"; an unsaved or missing organization must
    # never widen a scope to every tenant.
    if organization is None or organization.pk is None:
        raise ValueError("A tenant scope needs a saved organization.")
    with scope(organization=organization.pk):
        yield


@contextmanager
def all_tenants() -> Iterator[None]:
    with scopes_disabled():
        yield
