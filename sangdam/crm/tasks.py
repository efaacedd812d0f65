"""Background work of the contact-center records: each task is a thin wrapper around a service."""

from __future__ import annotations

from django_tasks import task

from sangdam.crm import uploading


@task()
def check_customer_upload(*, upload_id: int) -> dict[str, int]:
    """Check every row of an uploaded customer list (CC-42); nothing is stored."""
    return uploading.run_check(upload_id)


@task()
def save_customer_upload(*, upload_id: int, user_id: int, ip: str) -> dict[str, int]:
    """Store the checked rows of a confirmed customer upload as customers."""
    return uploading.run_save(upload_id, user_id, ip)
