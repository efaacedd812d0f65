"""문자 설정: the tenant's sender identity (G-CC-08).

* 발신번호: Korean law (발신번호 사전등록제) lets a message carry only a number its sender has
  registered with the carrier; the carrier drops messages from any other. We cannot check the
  registration, only that the number is a valid Korean number.
* 발신자명: printed after (광고) in advertising messages.
* 080 수신거부 번호: the free line recipients call to opt out (CC-78), printed in advertising
  messages; without it no advertising message may be sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from sangdam.accounts.audit import Actor, record_work
from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.core.errors import InvalidInput
from sangdam.crm.phones import format_phone, normalize_phone
from sangdam.messaging.models import MessagingSettings

SENDER_NAME_MAX = MessagingSettings._meta.get_field("sender_name").max_length or 30
FREE_LINE_PREFIX = "080"


@dataclass(frozen=True)
class ProfileFields:
    sender_number: str
    sender_name: str = ""
    opt_out_number: str = ""


def _korean_number(value: str, field: str) -> str:
    digits = normalize_phone(value, field=field)
    if digits.startswith("+"):
        raise InvalidInput.single(
            field, _("%(number)s is not a Korean number.") % {"number": value.strip()}
        )
    return digits


def _clean(fields: ProfileFields) -> ProfileFields:
    errors: dict[str, list[str]] = {}
    sender_number = ""
    opt_out_number = ""
    if not fields.sender_number.strip():
        errors["sender_number"] = [_("Enter the sender number registered with the carrier.")]
    else:
        try:
            sender_number = _korean_number(fields.sender_number, "sender_number")
        except InvalidInput as error:
            errors.update(error.errors)
    sender_name = " ".join(fields.sender_name.split())
    if len(sender_name) > SENDER_NAME_MAX:
        errors["sender_name"] = [
            _("The sender name may have at most %(count)d characters.") % {"count": SENDER_NAME_MAX}
        ]
    if fields.opt_out_number.strip():
        try:
            opt_out_number = _korean_number(fields.opt_out_number, "opt_out_number")
        except InvalidInput as error:
            errors.update(error.errors)
        else:
            if not opt_out_number.startswith(FREE_LINE_PREFIX):
                errors["opt_out_number"] = [
                    _("The opt-out number must be a free 080 number, e.g. 080-123-4567.")
                ]
    if errors:
        raise InvalidInput(errors)
    return ProfileFields(sender_number, sender_name, opt_out_number)


def _shown(value: str, *, phone: bool) -> str:
    return (format_phone(value) if phone else value) or "-"


def save_profile(*, actor: Actor, fields: ProfileFields) -> MessagingSettings:
    """저장: the sender number, the sender name and the 080 opt-out number.

    :raises InvalidInput: a missing or invalid sender number, a foreign number, an opt-out number
        that is not an 080 number, a sender name that is too long.
    """
    clean = _clean(fields)
    organization = actor.user.organization
    assert organization is not None
    with record_work(actor, WorkScreen.SMS_SETTINGS, WorkAction.UPDATE) as work:
        profile = MessagingSettings.all_objects.select_for_update().get_or_create(
            organization=organization
        )[0]
        changes = [
            f"{label}: {_shown(old, phone=phone)} → {_shown(new, phone=phone)}"
            for label, old, new, phone in (
                ("sender_number", profile.sender_number, clean.sender_number, True),
                ("sender_name", profile.sender_name, clean.sender_name, False),
                ("opt_out_number", profile.opt_out_number, clean.opt_out_number, True),
            )
            if old != new
        ]
        work.detail = "; ".join(changes) or "-"
        profile.sender_number = clean.sender_number
        profile.sender_name = clean.sender_name
        profile.opt_out_number = clean.opt_out_number
        profile.save()
    return profile
