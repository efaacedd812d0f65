"""Template filters of the customer pages."""

from __future__ import annotations

from django import template

from sangdam.crm.phones import format_phone, is_mobile

register = template.Library()


@register.filter
def phone(digits: str) -> str:
    """A stored number as people write it (010-1234-5678)."""
    return format_phone(digits or "")


@register.filter(name="is_mobile")
def is_mobile_number(digits: str) -> bool:
    """Whether a stored number can get SMS: only mobiles have the SMS icon (CC-20)."""
    return is_mobile(digits or "")
