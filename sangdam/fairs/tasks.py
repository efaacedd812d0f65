"""Background work of the fair app: each task is a thin wrapper around one service call."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from sangdam.accounts.services import generate_password
from sangdam.core.tenancy import all_tenants
from sangdam.fairs.models import Notice, Participant, SchedulingRun
from sangdam.fairs.notify import notice_text


@task()
def run_scheduling(*, run_id: int) -> dict[str, object]:
    """Schedule an event as the organizer asked and save the result."""
    from sangdam.fairs.scheduling import execute_run  # noqa: PLC0415 -- imports the engine

    with all_tenants():
        run = SchedulingRun.all_objects.select_related("event").get(pk=run_id)
        return execute_run(run)


@task()
def mail_notices(*, notice_ids: list[int]) -> int:
    """E-mail each notice to its participant, in the participant's language."""
    sent = 0
    with all_tenants():
        notices = Notice.all_objects.filter(pk__in=notice_ids).select_related(
            "participant__user", "participant__event", "counterpart"
        )
        for notice in notices:
            participant = notice.participant
            address = participant.contact_email or participant.user.email
            if not address:
                continue
            with translation.override(participant.user.language):
                subject = f"[{participant.event.name}] {notice.get_kind_display()}"
                body = "\n\n".join(
                    [
                        notice_text(notice),
                        _("See your message box: %(url)s")
                        % {"url": _site(reverse("fairs:messages"))},
                    ]
                )
            send_mail(subject, body, None, [address])
            sent += 1
    return sent


@task()
def send_invitations(*, event_id: int, participant_ids: list[int]) -> int:
    """Give each invited participant a fresh initial password and e-mail its login."""
    sent = 0
    with all_tenants():
        people = Participant.all_objects.filter(
            event_id=event_id, pk__in=participant_ids
        ).select_related("user", "event", "organization")
        for participant in people:
            user = participant.user
            address = participant.contact_email or user.email
            if not address:
                continue
            password = generate_password()
            with transaction.atomic():
                user.set_password(password)
                user.must_change_password = True
                user.save(update_fields=["password", "must_change_password"])
            with translation.override(user.language):
                subject = _("[%(event)s] Your login for the consultation fair") % {
                    "event": participant.event.name
                }
                body = _(
                    "Hello %(company)s,\n\nYou are invited to %(event)s.\n\n"
                    "Sign in at %(url)s\nService name: %(service)s\nLogin ID: %(login)s\n"
                    "Initial password: %(password)s\n\n"
                    "You will be asked to choose your own password at the first login."
                ) % {
                    "company": participant.company_name,
                    "event": participant.event.name,
                    "url": _site(reverse("accounts:login")),
                    "service": participant.organization.service_name,
                    "login": user.username,
                    "password": password,
                }
            send_mail(subject, body, None, [address])
            sent += 1
    return sent


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path
