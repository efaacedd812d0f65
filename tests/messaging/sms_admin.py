"""Helpers of the messaging administration tests: messages made through the real service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from sangdam.accounts.audit import Actor
from sangdam.accounts.enums import WorkAction, WorkScreen
from sangdam.accounts.models import User, WorkEvent
from sangdam.messaging import sending
from sangdam.messaging.models import SendJob
from sangdam.messaging.recipients import Recipient
from tests.conftest import ClientOf


def send(
    actor: Actor,
    *numbers: str,
    body: str = "안녕하세요 관리사무소입니다",
    names: dict[str, str] | None = None,
    now: dt.datetime | None = None,
    **fields: Any,
) -> SendJob:
    """One press of 전송 to ``numbers`` (names by number), through ``send_messages``."""
    names = names or {}
    recipients = [
        Recipient(number, names.get(number, "")) for number in numbers or ("010-1234-0001",)
    ]
    draft = sending.Draft(recipients=recipients, body=body, **fields)
    return sending.send_messages(actor=actor, draft=draft, gateway_supports_mms=True, now=now)


def english_client(client_of: ClientOf, user: User) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    return client_of(user)


def audited(screen: WorkScreen, action: WorkAction) -> list[str]:
    """The details of the work-history rows of one screen and action, oldest first."""
    return list(
        WorkEvent.all_objects.filter(screen=screen, action=action)
        .order_by("pk")
        .values_list("detail", flat=True)
    )
