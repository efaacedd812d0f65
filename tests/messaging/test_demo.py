"""The demo's messages: every state present, the 080 list in force, replaced on each load."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.utils import timezone

from sangdam.accounts.demo import load_demo as load_accounts
from sangdam.core.models import Organization
from sangdam.core.tenancy import tenant_scope
from sangdam.crm.demo import load_demo as load_crm
from sangdam.crm.models import Customer
from sangdam.messaging.demo import load_demo as load_messaging
from sangdam.messaging.models import Message, MessageTemplate, OptOutNumber

pytestmark = pytest.mark.django_db


def load() -> Organization:
    for loader in (load_accounts, load_crm, load_messaging):
        loader(StringIO())
    return Organization.objects.get(service_name="demo")


def test_the_demo_shows_every_state_and_loads_again_without_piling_up():
    demo = load()
    with tenant_scope(demo):
        first = Counter(Message.objects.values_list("state", flat=True))
        assert {"DELIVERED", "FAILED", "SENT", "SKIPPED", "SCHEDULED"} <= set(first)
        assert MessageTemplate.objects.count() == 4
        scheduled = Message.objects.filter(state="SCHEDULED")[0]
        assert scheduled.due_at > timezone.now()
        # The number on the 080 list belongs to a customer whose flag was ticked.
        listed = OptOutNumber.objects.filter(source="080").values_list("phone", flat=True)
        assert Customer.objects.filter(mobile__in=listed, sms_opt_out=True).exists()
    load_messaging(StringIO())
    with tenant_scope(demo):
        assert Counter(Message.objects.values_list("state", flat=True)) == first
