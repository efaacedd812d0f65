"""Helpers for the composer's tests: customers, the recipients' JSON and posting the form."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from sangdam.accounts.models import User
from sangdam.core.tenancy import tenant_scope
from sangdam.crm.models import Customer
from tests.crm.crm import make_customer

COMPOSE = "/messaging/compose/"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2048
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048


def customer(user: User, name: str, mobile: str, **fields: Any) -> Customer:
    assert user.organization is not None
    with tenant_scope(user.organization):
        return make_customer(user, name=name, mobile=mobile, **fields)


def recipients_json(*rows: tuple[str, str] | tuple[str, str, int | None]) -> str:
    return json.dumps(
        [
            {"phone": row[0], "name": row[1], "customer_id": row[2] if len(row) > 2 else None}
            for row in rows
        ]
    )


def compose_post(client: Client, *, fetch: bool = False, **fields: Any) -> Any:
    data: dict[str, Any] = {"send_mode": "now", "action": "send", **fields}
    if fetch:
        return client.post(COMPOSE, data, headers={"X-Requested-With": "fetch"})
    return client.post(COMPOSE, data)
