"""080 수신거부 목록 (CC-78): numbers that never get a message, customer or not.

A number reaches the list from the 080 opt-out line's provider (through the API, source 080) or
from an administrator (source MANUAL). Adding a number also ticks SMS 수신거부 on every customer
with that mobile, as the manual says of the 080 add-on; removing a number from the list leaves
the customers' flags alone: a customer's own opt-out is released only on the customer (CC-77).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sangdam.accounts.audit import Actor, record_work
from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.core.errors import InvalidInput, NotFound
from sangdam.crm.models import Customer
from sangdam.crm.phones import format_phone, search_digits
from sangdam.messaging.enums import OptOutSource
from sangdam.messaging.models import OptOutNumber
from sangdam.messaging.recipients import BadLine, mobile_number, parse_pasted

_CHUNK = 900  # bound parameters per statement, below SQLite's oldest limit


@dataclass(frozen=True)
class Added:
    phone: str
    created: bool  # False: the number was on the list already
    customers_flagged: int  # customers whose SMS 수신거부 this ticked


@dataclass
class PasteResult:
    added: int = 0
    already: int = 0
    customers_flagged: int = 0
    bad_lines: list[BadLine] = field(default_factory=list)


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def opt_out_numbers(query: str = "") -> QuerySet[OptOutNumber]:
    """The list, newest first; ``query`` is any part of a number, hyphens or not."""
    found = OptOutNumber.objects.order_by("-created_at", "-pk")
    digits = search_digits(query)
    if query.strip() and not digits:
        return found.none()
    if digits:
        found = found.filter(phone__contains=digits)
    return found


def _flag_customers(phones: Sequence[str]) -> int:
    """Tick SMS 수신거부 on the customers with these mobiles; how many were not ticked yet."""
    flagged = 0
    now = timezone.now()
    for chunk in _chunks(phones):
        flagged += Customer.objects.filter(mobile__in=list(chunk), sms_opt_out=False).update(
            sms_opt_out=True, updated_at=now
        )
    return flagged


def add_opt_out(*, actor: Actor, phone: str, source: OptOutSource = OptOutSource.MANUAL) -> Added:
    """Put one mobile number on the list (again: nothing changes but the customers' flags).

    :raises InvalidInput: naming ``phone`` when it is not a mobile number.
    """
    digits = mobile_number(phone, field="phone")
    with record_work(actor, WorkScreen.SMS_OPT_OUTS, WorkAction.CREATE) as work:
        _entry, created = OptOutNumber.objects.get_or_create(
            phone=digits,
            defaults={"organization": actor.user.organization, "source": source},
        )
        flagged = _flag_customers([digits])
        work.detail = _("%(number)s (%(source)s); customers ticked: %(count)d") % {
            "number": format_phone(digits),
            "source": source.label,
            "count": flagged,
        }
    return Added(digits, created, flagged)


def add_opt_outs(
    *, actor: Actor, pasted: str, source: OptOutSource = OptOutSource.MANUAL
) -> PasteResult:
    """다량추가: one number per line; the good lines are added, the bad ones reported.

    :raises InvalidInput: naming ``numbers`` when nothing was pasted or too many lines were.
    """
    parsed = parse_pasted(pasted)
    result = PasteResult(bad_lines=parsed.bad_lines)
    phones = list(dict.fromkeys(recipient.phone for recipient in parsed.recipients))
    if not phones and not parsed.bad_lines:
        raise InvalidInput.single("numbers", _("Paste at least one mobile number."))
    if not phones:
        return result
    with record_work(actor, WorkScreen.SMS_OPT_OUTS, WorkAction.CREATE) as work:
        listed: set[str] = set()
        for chunk in _chunks(phones):
            listed.update(
                OptOutNumber.objects.filter(phone__in=list(chunk)).values_list("phone", flat=True)
            )
        new = [phone for phone in phones if phone not in listed]
        OptOutNumber.objects.bulk_create(
            [
                OptOutNumber(organization=actor.user.organization, phone=phone, source=source)
                for phone in new
            ],
            batch_size=_CHUNK,
            # A number another administrator added meanwhile is on the list either way.
            ignore_conflicts=True,
        )
        result.added = len(new)
        result.already = len(phones) - len(new)
        result.customers_flagged = _flag_customers(phones)
        work.detail = _(
            "pasted: %(added)d added, %(already)d already listed, %(bad)d bad lines; "
            "customers ticked: %(count)d"
        ) % {
            "added": result.added,
            "already": result.already,
            "bad": len(result.bad_lines),
            "count": result.customers_flagged,
        }
    return result


def remove_opt_outs(*, actor: Actor, ids: Sequence[int]) -> int:
    """삭제: take the ticked numbers off the list; the customers' own flags stay ticked.

    :raises InvalidInput: nothing was ticked, or the ticked numbers are gone already.
    """
    if not ids:
        raise InvalidInput.single("", _("Tick the numbers to remove."))
    with record_work(actor, WorkScreen.SMS_OPT_OUTS, WorkAction.DELETE) as work:
        chosen = OptOutNumber.objects.filter(pk__in=list(ids))
        phones = [format_phone(phone) for phone in chosen.values_list("phone", flat=True)[:20]]
        removed, _by_model = chosen.delete()
        work.detail = ", ".join(phones) + (" …" if removed > len(phones) else "")
        if not removed:
            raise InvalidInput.single(
                "", _("The ticked numbers are no longer on the list. Reload the page.")
            )
    return removed


def remove_opt_out(*, actor: Actor, phone: str) -> None:
    """Take one number off the list (the 080 provider's "opt back in").

    :raises InvalidInput: naming ``phone`` when it is not a mobile number.
    :raises NotFound: the number is not on the list.
    """
    digits = mobile_number(phone, field="phone")
    with record_work(actor, WorkScreen.SMS_OPT_OUTS, WorkAction.DELETE) as work:
        work.detail = format_phone(digits)
        removed, _by_model = OptOutNumber.objects.filter(phone=digits).delete()
        if not removed:
            raise NotFound(
                _("%(number)s is not on the 080 opt-out list.") % {"number": format_phone(digits)}
            )
