from __future__ import annotations

from collections import Counter

import pytest
from django.utils import translation

from sangdam.core.errors import InvalidInput
from sangdam.messaging.enums import OptOutSource, SkipReason
from sangdam.messaging.models import OptOutNumber
from sangdam.messaging.recipients import Recipient, parse_pasted, residents, resolve
from tests.crm.crm import make_customer


def test_pasted_numbers_with_and_without_hyphens_are_normalized_and_bad_lines_reported():
    with translation.override("en"):
        pasted = parse_pasted("010-1111-2222\n\n01033334444\n02-123-4567\nabc\n+82 10 5555 6666")
    assert [r.phone for r in pasted.recipients] == ["01011112222", "01033334444", "01055556666"]
    assert [(bad.line, bad.text) for bad in pasted.bad_lines] == [(4, "02-123-4567"), (5, "abc")]
    assert pasted.bad_lines[0].message == "02-123-4567 is not a mobile number."


def test_residents_of_a_block_only(organization, agent, scoped):
    make_customer(agent, "가", "010-1000-0001", apartment="래미안", block="101")
    make_customer(agent, "나", "010-1000-0002", apartment="래미안", block="102")
    make_customer(agent, "다", "", phone="02-555-1234", apartment="래미안", block="101")
    assert [c.name for c in residents("래미안", "101")] == ["가"]
    assert sorted(c.name for c in residents("래미안")) == ["가", "나"]


def test_resolve_merges_duplicates_links_customers_and_drops_opt_outs(organization, agent, scoped):
    kim = make_customer(agent, "김고객", "010-2000-0001")
    make_customer(agent, "거부고객", "010-2000-0002", sms_opt_out=True)
    OptOutNumber.objects.create(
        organization=organization, phone="01020000003", source=OptOutSource.CALL_080
    )
    resolution = resolve(
        [
            Recipient("010-2000-0001", "잘못 적은 이름"),
            Recipient("01020000001"),
            Recipient("010-2000-0002"),
            Recipient("010-2000-0003", "080 거부"),
            Recipient("010-2000-0004", "새 번호"),
        ]
    )
    assert resolution.duplicates == 1
    assert [(r.phone, r.name, r.customer_id) for r in resolution.sendable] == [
        ("01020000001", "김고객", kim.pk),
        ("01020000004", "새 번호", None),
    ]
    assert [(r.name, r.skip_reason) for r in resolution.skipped] == [
        ("거부고객", SkipReason.CUSTOMER_OPT_OUT),
        ("080 거부", SkipReason.OPT_OUT_LIST),
    ]
    assert Counter(r.skip_reason for r in resolution.skipped) == {"CUSTOMER": 1, "LIST": 1}


def test_one_opted_out_customer_among_several_with_the_number_is_enough(agent, scoped):
    make_customer(agent, "가족1", "010-3000-0001")
    make_customer(agent, "가족2", "010-3000-0001", sms_opt_out=True)
    resolution = resolve([Recipient("01030000001")])
    assert resolution.sendable == []
    assert len(resolution.skipped) == 1


def test_resolve_names_every_bad_recipient(scoped):
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        resolve([Recipient("010-1234-5678"), Recipient("1234", "가"), Recipient("02-123-4567")])
    assert caught.value.errors["recipients"] == [
        "Recipient 2 (가): 1234 is not a valid phone number.",
        "Recipient 3 (02-123-4567): 02-123-4567 is not a mobile number.",
    ]


def test_another_tenants_opt_outs_and_customers_do_not_apply(
    organization, other_organization, other_admin, scoped
):
    OptOutNumber.all_objects.create(
        organization=other_organization, phone="01040000001", source=OptOutSource.MANUAL
    )
    resolution = resolve([Recipient("010-4000-0001")])
    assert [(r.phone, r.customer_id) for r in resolution.sendable] == [("01040000001", None)]
