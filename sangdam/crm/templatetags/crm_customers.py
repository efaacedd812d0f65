"""Template filters of the customer pages."""

from __future__ import annotations

from django import template

from sangdam.crm.phones import format_phone

register = template.Library()


@register.filter
def phone(digits: str) -> str:
    """A stored number as people write it (010-1234-5678)."""
    return format_phone(digits or "")
