"""Who a message goes to: numbers as typed, pasted or imported, matched to customers, opt-outs out.

The composer adds recipients from five sources (CC-63, CC-72..76); all of them end here, where
numbers are normalized and de-duplicated, linked to the registered customer with that mobile,
and checked against the customer's opt-out flag and the tenant's 080 list (CC-77, CC-78).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sangdam.core.errors import InvalidInput
from sangdam.core.spreadsheet import cell_text, is_empty, open_sheet
from sangdam.crm.models import Customer
from sangdam.crm.phones import is_mobile, normalize_phone, plain_mobile
from sangdam.messaging.enums import SkipReason
from sangdam.messaging.models import OptOutNumber

# SQLite allows 999 bound parameters per statement on older builds; stay well below.
_CHUNK = 900
MAX_RECIPIENTS = 100_000
MAX_PASTED_LINES = 10_000


@dataclass(frozen=True)
class Recipient:
    """A recipient as the composer holds it: a number, a name, maybe a customer."""

    phone: str
    name: str = ""
    customer_id: int | None = None


@dataclass(frozen=True)
class BadLine:
    line: int
    text: str
    message: str


@dataclass(frozen=True)
class Pasted:
    recipients: list[Recipient]
    bad_lines: list[BadLine]


def mobile_number(text: str, *, field: str = "phone") -> str:
    """``text`` as national mobile digits; a landline cannot receive SMS (CC-20).

    :raises InvalidInput: naming ``field``.
    """
    plain = plain_mobile(text)
    if plain:
        return plain
    digits = normalize_phone(text, field=field)
    if not digits:
        raise InvalidInput.single(field, _("Enter a mobile number."))
    if not is_mobile(digits):
        raise InvalidInput.single(
            field, _("%(number)s is not a mobile number.") % {"number": text.strip()}
        )
    return digits


def parse_pasted(text: str) -> Pasted:
    """다량추가 (CC-75): one number per line, hyphens or not; bad lines reported, not dropped."""
    recipients: list[Recipient] = []
    bad: list[BadLine] = []
    lines = text.splitlines()
    if len(lines) > MAX_PASTED_LINES:
        raise InvalidInput.single(
            "numbers",
            _("Paste at most %(limit)s lines at a time.") % {"limit": f"{MAX_PASTED_LINES:,}"},
        )
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            recipients.append(Recipient(mobile_number(line)))
        except InvalidInput as error:
            bad.append(BadLine(number, line.strip(), error.message))
    return Pasted(recipients, bad)


def residents(apartment: str, block: str = "") -> QuerySet[Customer]:
    """Everyone registered in an apartment (building), or in one block (동) of it (CC-73, CC-74)."""
    found = Customer.objects.filter(apartment=apartment.strip()).exclude(mobile="")
    if block.strip():
        found = found.filter(block=block.strip())
    return found.order_by("block", "unit", "name", "pk")


def apartments() -> list[str]:
    return list(
        Customer.objects.exclude(apartment="")
        .values_list("apartment", flat=True)
        .distinct()
        .order_by("apartment")
    )


def blocks(apartment: str) -> list[str]:
    return list(
        Customer.objects.filter(apartment=apartment.strip())
        .exclude(block="")
        .values_list("block", flat=True)
        .distinct()
        .order_by("block")
    )


def as_recipients(customers: Iterable[Customer]) -> list[Recipient]:
    """Customers with a mobile number, as recipients (customers without one cannot get SMS)."""
    return [Recipient(c.mobile, c.name, c.pk) for c in customers if is_mobile(c.mobile)]


@dataclass(frozen=True)
class ExcelColumns:
    """엑셀 전화번호 가져오기 (CC-76): where the names and the mobile numbers are."""

    sheet: str = ""
    name_column: int | None = None  # 0-based; None: no names
    mobile_column: int = 0
    first_row: int = 2


def read_excel_recipients(source: Any, columns: ExcelColumns) -> Pasted:
    """The numbers of an uploaded sheet; each bad row reported with its row number."""
    recipients: list[Recipient] = []
    bad: list[BadLine] = []
    with open_sheet(source, columns.sheet) as sheet:
        for number, cells in sheet.rows(columns.first_row):
            if is_empty(cells):
                continue
            text = (
                cell_text(cells[columns.mobile_column])
                if columns.mobile_column < len(cells)
                else ""
            )
            name = ""
            if columns.name_column is not None and columns.name_column < len(cells):
                name = cell_text(cells[columns.name_column])[:50]
            try:
                recipients.append(Recipient(mobile_number(text), name))
            except InvalidInput as error:
                bad.append(BadLine(number, text, error.message))
            if len(recipients) > MAX_RECIPIENTS:
                raise InvalidInput.single(
                    "file",
                    _("A message can go to at most %(limit)s recipients.")
                    % {"limit": f"{MAX_RECIPIENTS:,}"},
                )
    return Pasted(recipients, bad)


# ------------------------------------------------------------------------- at the press of 전송


@dataclass(frozen=True)
class Resolved:
    """One recipient after checking: linked to the customer with that mobile when there is one."""

    phone: str
    name: str
    customer_id: int | None
    skip_reason: str = ""


@dataclass
class Resolution:
    sendable: list[Resolved] = field(default_factory=list)
    skipped: list[Resolved] = field(default_factory=list)
    duplicates: int = 0


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def resolve(recipients: Sequence[Recipient]) -> Resolution:
    """Normalize, merge duplicates, link customers and drop opt-outs, every bad number named.

    :raises InvalidInput: listing each recipient whose number cannot receive SMS.
    """
    if len(recipients) > MAX_RECIPIENTS:
        raise InvalidInput.single(
            "recipients",
            _("A message can go to at most %(limit)s recipients.")
            % {"limit": f"{MAX_RECIPIENTS:,}"},
        )
    errors: list[str] = []
    unique: dict[str, Recipient] = {}
    duplicates = 0
    for position, recipient in enumerate(recipients, start=1):
        try:
            phone = mobile_number(recipient.phone, field="recipients")
        except InvalidInput as error:
            errors.append(
                _("Recipient %(position)s (%(name)s): %(message)s")
                % {
                    "position": position,
                    "name": recipient.name or recipient.phone,
                    "message": error.message,
                }
            )
            continue
        if phone in unique:
            duplicates += 1
            continue
        unique[phone] = Recipient(phone, recipient.name.strip()[:50], recipient.customer_id)
    if errors:
        raise InvalidInput({"recipients": errors})

    numbers = list(unique)
    customers: dict[str, tuple[int, str, bool]] = {}
    listed: set[str] = set()
    for chunk in _chunks(numbers):
        # No ORDER BY: it would turn the index look-ups into a scan of every customer.
        for pk, mobile, name, opted_out in Customer.objects.filter(mobile__in=chunk).values_list(
            "pk", "mobile", "name", "sms_opt_out"
        ):
            known = customers.get(mobile)
            if known is None:
                customers[mobile] = (pk, name, opted_out)
            else:
                # Several customers may share a number: the first registered gives the name,
                # and one opt-out among them is enough.
                first = (pk, name) if pk < known[0] else known[:2]
                customers[mobile] = (*first, known[2] or opted_out)
        listed.update(
            OptOutNumber.objects.filter(phone__in=chunk).order_by().values_list("phone", flat=True)
        )

    resolution = Resolution(duplicates=duplicates)
    for phone, recipient in unique.items():
        customer = customers.get(phone)
        # The registered name is the customer's name ({고객명}); a typed one fills in otherwise.
        name = customer[1] if customer else recipient.name
        customer_id = customer[0] if customer else None
        if customer and customer[2]:
            resolution.skipped.append(
                Resolved(phone, name, customer_id, SkipReason.CUSTOMER_OPT_OUT.value)
            )
        elif phone in listed:
            resolution.skipped.append(
                Resolved(phone, name, customer_id, SkipReason.OPT_OUT_LIST.value)
            )
        else:
            resolution.sendable.append(Resolved(phone, name, customer_id))
    return resolution
