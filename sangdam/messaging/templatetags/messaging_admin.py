"""Template filters of the messaging administration pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def folds(body: str, length: int = 40) -> bool:
    """Whether a message is shown shortened, its whole text a click away: long or several lines."""
    return len(body) > length or "\n" in body
