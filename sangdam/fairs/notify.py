"""Message-box entries and the same notices by e-mail (SPEC MM-38, G-MM-12, G-MM-13)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from sangdam.fairs.enums import NoticeKind
from sangdam.fairs.models import Notice, Participant


def notice_text(notice: Notice) -> str:
    """The sentence a notice shows, in the active language."""
    company = notice.counterpart.company_name if notice.counterpart else ""
    match notice.kind:
        case NoticeKind.REQUEST_RECEIVED:
            return _("%(company)s sent you a meeting request.") % {"company": company}
        case NoticeKind.REQUEST_ACCEPTED:
            return _("%(company)s accepted your meeting request.") % {"company": company}
        case NoticeKind.REQUEST_REJECTED:
            return _("%(company)s declined your meeting request.") % {"company": company}
        case NoticeKind.REQUEST_CANCELLED:
            return _("%(company)s cancelled its meeting request.") % {"company": company}
        case NoticeKind.SCHEDULE_PUBLISHED:
            return _("The meeting schedule has been published. See your matching results.")
        case NoticeKind.APPROVED:
            return _("Your participation in the consultation fair has been approved.")
    return notice.text


def notify(
    participant: Participant, kind: NoticeKind, *, counterpart: Participant | None = None
) -> Notice:
    notice = Notice.objects.create(
        organization_id=participant.organization_id,
        participant=participant,
        kind=kind,
        counterpart=counterpart,
    )
    _mail_after_commit([notice.pk])
    return notice


def notify_all(participants: Iterable[Participant], kind: NoticeKind, text: str = "") -> int:
    notices = Notice.objects.bulk_create(
        Notice(organization_id=p.organization_id, participant=p, kind=kind, text=text)
        for p in participants
    )
    _mail_after_commit([n.pk for n in notices])
    return len(notices)


def _mail_after_commit(notice_ids: list[int]) -> None:
    from sangdam.fairs.tasks import mail_notices  # noqa: PLC0415 -- tasks import services

    if notice_ids:
        transaction.on_commit(lambda: mail_notices.enqueue(notice_ids=notice_ids))
