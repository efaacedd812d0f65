"""A task used only by the worker test: it records that it ran."""

from __future__ import annotations

from django_tasks import task

from sangdam.core.models import Organization


@task()
def rename_organization(*, organization_id: int, name: str) -> str:
    Organization.objects.filter(pk=organization_id).update(name=name)
    return name
