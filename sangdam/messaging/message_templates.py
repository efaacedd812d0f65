"""템플릿 관리 (CC-06, G-CC-32): message forms shared by the tenant, picked in the composer.

A template's body follows the LMS limit (2,000 bytes, counted as carriers do); whether a message
made from it goes as SMS or LMS is decided per recipient when it is sent (G-CC-06).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sangdam.accounts.audit import Actor, record_work
from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.core.errors import InvalidInput, NotFound
from sangdam.messaging import text
from sangdam.messaging.models import MessageTemplate

TITLE_MAX = MessageTemplate._meta.get_field("title").max_length or 50


@dataclass(frozen=True)
class TemplateFields:
    title: str
    body: str


def templates() -> QuerySet[MessageTemplate]:
    """The tenant's templates, by title."""
    return MessageTemplate.objects.order_by("title", "pk")


def load_template(pk: int) -> MessageTemplate:
    found = MessageTemplate.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("The template does not exist. It may have been deleted."))
    return found


def _clean(fields: TemplateFields) -> TemplateFields:
    """Both fields checked, every problem named by its field; line breaks unified."""
    errors: dict[str, list[str]] = {}
    title = " ".join(fields.title.split())
    body = fields.body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not title:
        errors["title"] = [_("Enter the template name.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [
            _("The template name may have at most %(count)d characters.") % {"count": TITLE_MAX}
        ]
    if not body.strip():
        errors["body"] = [_("Write the template's content.")]
    elif (size := text.byte_length(body)) > text.LMS_MAX_BYTES:
        errors["body"] = [
            _("The content is %(count)s bytes; a template may have at most %(limit)s bytes.")
            % {"count": f"{size:,}", "limit": f"{text.LMS_MAX_BYTES:,}"}
        ]
    if errors:
        raise InvalidInput(errors)
    return TemplateFields(title=title, body=body)


def _duplicate(title: str) -> InvalidInput:
    return InvalidInput.single(
        "title",
        _("A template named %(title)s exists already. Choose another name.") % {"title": title},
    )


def _check_unique(title: str, *, exclude_pk: int | None = None) -> None:
    same = MessageTemplate.objects.filter(title=title)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise _duplicate(title)


def _save(template: MessageTemplate) -> None:
    # The name was checked first; the constraint failing here means a concurrent save won.
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as error:
        raise _duplicate(template.title) from error


def create_template(*, actor: Actor, fields: TemplateFields) -> MessageTemplate:
    """양식추가: a new template.

    :raises InvalidInput: no name, a name in use, no content or content over 2,000 bytes.
    """
    clean = _clean(fields)
    with record_work(actor, WorkScreen.SMS_TEMPLATES, WorkAction.CREATE) as work:
        work.detail = clean.title
        _check_unique(clean.title)
        template = MessageTemplate(
            organization=actor.user.organization, title=clean.title, body=clean.body
        )
        _save(template)
    return template


def update_template(*, actor: Actor, template_id: int, fields: TemplateFields) -> MessageTemplate:
    """저장: the template's new name and content.

    :raises NotFound: the template was deleted (or is another organization's).
    :raises InvalidInput: as ``create_template``.
    """
    clean = _clean(fields)
    with record_work(actor, WorkScreen.SMS_TEMPLATES, WorkAction.UPDATE) as work:
        template = MessageTemplate.objects.select_for_update().filter(pk=template_id).first()
        if template is None:
            raise NotFound(_("The template does not exist. It may have been deleted."))
        work.detail = (
            clean.title if clean.title == template.title else f"{template.title} → {clean.title}"
        )
        _check_unique(clean.title, exclude_pk=template.pk)
        template.title, template.body = clean.title, clean.body
        _save(template)
    return template


def delete_template(*, actor: Actor, template_id: int) -> str:
    """삭제: remove a template; messages sent from it keep their text. Returns its name.

    :raises NotFound: the template was deleted already (or is another organization's).
    """
    with record_work(actor, WorkScreen.SMS_TEMPLATES, WorkAction.DELETE) as work:
        template = MessageTemplate.objects.filter(pk=template_id).first()
        if template is None:
            raise NotFound(_("The template does not exist. It may have been deleted."))
        work.detail = template.title
        template.delete()
    return template.title
