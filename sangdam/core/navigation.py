"""The side navigation, assembled from the entries each app registers for each role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset[str]
    section: str | Promise = ""
    order: int = 100
    # Extra condition on the user (a permission flag), checked per request.
    visible: Callable[[Any], bool] = field(default=lambda user: True)


_items: list[NavItem] = []


def register(*items: NavItem) -> None:
    _items.extend(items)


def items_for(user: Any) -> list[NavItem]:
    role = getattr(user, "role", None)
    return sorted(
        (item for item in _items if role in item.roles and item.visible(user)),
        key=lambda item: item.order,
    )
