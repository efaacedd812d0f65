"""Checks for a meeting placed by hand: every rule the scheduler keeps, each named when broken."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from sangdam.core.errors import NotFound
from sangdam.fairs.enums import Approval, HostSide, Side
from sangdam.fairs.errors import FairRuleBroken
from sangdam.fairs.models import Event, Meeting, Participant, Slot, Unavailability


@dataclass(frozen=True)
class Placement:
    slot: Slot
    buyer: Participant
    seller: Participant
    table_number: int | None


def check_placement(
    event: Event,
    buyer_id: int,
    seller_id: int,
    slot_id: int,
    *,
    ignore_meeting: Meeting | None = None,
) -> Placement:
    """Where a buyer and seller can meet in a slot; raises naming the first rule that fails."""
    approved = Participant.objects.filter(event=event, approval=Approval.APPROVED)
    buyer = approved.filter(pk=buyer_id, side=Side.BUYER).first()
    seller = approved.filter(pk=seller_id, side=Side.SELLER).first()
    slot = Slot.objects.filter(event=event, pk=slot_id).first()
    if buyer is None or seller is None:
        raise NotFound(_("Choose an approved buyer and an approved seller of this event."))
    if slot is None:
        raise NotFound(_("That meeting time is not part of this event."))
    meetings = Meeting.objects.filter(event=event)
    if ignore_meeting is not None:
        meetings = meetings.exclude(pk=ignore_meeting.pk)
    if meetings.filter(buyer=buyer, seller=seller).exists():
        raise FairRuleBroken(_("These two companies already have a meeting."))
    for who in (buyer, seller):
        name = who.company_name
        if Unavailability.objects.filter(participant=who, slot=slot).exists():
            raise FairRuleBroken(
                _("%(company)s is not available at this time.") % {"company": name}
            )
        busy = Q(buyer=who) if who.side == Side.BUYER else Q(seller=who)
        if meetings.filter(busy, slot=slot).exists():
            raise FairRuleBroken(
                _("%(company)s already has a meeting at this time.") % {"company": name}
            )
        cap = who.daily_cap_for(event)
        if cap is not None and meetings.filter(busy, slot__day=slot.day).count() >= cap:
            raise FairRuleBroken(
                _("%(company)s has reached its daily cap of %(cap)d meetings.")
                % {"company": name, "cap": cap}
            )
    in_slot = meetings.filter(slot=slot)
    if event.tables is not None and in_slot.count() >= event.tables:
        raise FairRuleBroken(_("Every table is taken at this time."))
    table_number = None
    if event.host_side == HostSide.NONE and event.tables is not None:
        used = set(in_slot.exclude(table_number=None).values_list("table_number", flat=True))
        table_number = next(n for n in range(1, event.tables + 1) if n not in used)
    return Placement(slot=slot, buyer=buyer, seller=seller, table_number=table_number)
