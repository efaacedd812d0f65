"""Facts about the caller of an HTTP request."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

# Every list of the pages shows this many rows unless it says otherwise.
PAGE_SIZE = 50


def client_ip(request: HttpRequest) -> str:
    """Return the caller's address, believing X-Forwarded-For only from trusted proxies."""
    remote = str(request.META.get("REMOTE_ADDR") or "127.0.0.1")
    trusted = set(settings.SANGDAM_TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    forwarded = [
        hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    ]
    # The right-most hop that is not one of our proxies is the client as our proxies saw it.
    for hop in reversed(forwarded):
        if hop and hop not in trusted:
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                break
    return remote


def user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


def client_platform(agent: str) -> str:
    """Name the caller's platform the way the login history shows it (WINDOWS, AOS, IOS...)."""
    text = agent.lower()
    for needle, platform in (
        ("android", "AOS"),
        ("iphone", "IOS"),
        ("ipad", "IOS"),
        ("windows", "WINDOWS"),
        ("mac os", "MAC"),
        ("cros", "CHROMEOS"),
        ("linux", "LINUX"),
        ("python", "API"),
        ("curl", "API"),
    ):
        if needle in text:
            return platform
    return "-" if not agent else "OTHER"


def int_param(value: str | None) -> int | None:
    """A query or form parameter as a number; missing or malformed is None, never an error."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


def page_of(request: HttpRequest, rows: Any, size: int = PAGE_SIZE) -> Page[Any]:
    """The page of ``rows`` that ``?page=`` asks for (the last one for a number past the end)."""
    return Paginator(rows, size).get_page(request.GET.get("page"))
