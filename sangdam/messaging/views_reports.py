"""Delivery reports that gateways call back with (no login: the signature is the credential).

Kannel's smsbox calls the ``dlr-url`` we gave it with each message (``gateways.kannel``): a GET
with our signed reference, Kannel's DLR type and the SMSC's answer. The view checks the
signature, turns the type into the message's outcome and applies it. It needs no tenant: the
signed reference names one message across all organizations.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from sangdam.messaging.gateways.base import DeliveryReport
from sangdam.messaging.gateways.kannel import dlr_outcome, unsign_reference
from sangdam.messaging.sending import record_delivery_report


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _reported_at(raw: str) -> datetime:
    """Kannel's ``%T``: the report's UNIX time; our clock when it is missing or absurd."""
    now = timezone.now()
    try:
        moment = datetime.fromtimestamp(int(raw), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return now
    return moment if abs((moment - now).total_seconds()) < 366 * 86400 else now


@csrf_exempt
@require_GET
def kannel_report(request: HttpRequest) -> HttpResponse:
    try:
        reference = unsign_reference(request.GET.get("ref", ""))
        dlr_type = int(request.GET.get("type", ""))
    except (signing.BadSignature, ValueError):
        return _plain("bad report", status=400)
    outcome = dlr_outcome(dlr_type, request.GET.get("answer", ""))
    report = DeliveryReport(
        reference=reference,
        gateway_id="",
        delivered=outcome.delivered,
        reason=outcome.reason,
        at=_reported_at(request.GET.get("at", "")),
    )
    if not record_delivery_report(report):
        return _plain("unknown message", status=404)
    return _plain("OK")
