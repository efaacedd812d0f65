from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from sangdam.core import navigation


def time_zone_label() -> str:
    """Return the active zone as the manuals print it, e.g. "(KST)"."""
    return f"({timezone.localtime().tzname()})"


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = navigation.items_for(user) if user is not None and user.is_authenticated else []
    return {
        "nav_items": items,
        "time_zone_label": time_zone_label(),
    }
