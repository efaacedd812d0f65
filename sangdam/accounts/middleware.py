"""Per-request account rules: tenant scope, zone and language, forced password change,
one session per agent, the administrators' IP allowlist, and bearer tokens for the API."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sangdam.accounts.enums import Channel, LoginResult, Role
from sangdam.accounts.models import User
from sangdam.accounts.services import (
    admin_ip_allowed,
    ip_denied_message,
    record_logout,
    token_holder,
)
from sangdam.core.http import client_ip, user_agent
from sangdam.core.tenancy import tenant_scope

API_PREFIX = "/api/"
# Paths a user who must change the password may still reach.
PASSWORD_CHANGE_EXEMPT = ("/account/password/", "/logout/", "/i18n/", "/static/")
API_PASSWORD_CHANGE_EXEMPT = ("/api/v1/me", "/api/v1/auth/token")


class ApiTokenMiddleware:
    """Signs API callers in from ``Authorization: Bearer <token>``; sessions do not reach /api/."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            from django.contrib.auth.models import AnonymousUser  # noqa: PLC0415 -- app ready

            request.user = AnonymousUser()
            request.api_token = None  # type: ignore[attr-defined]
            header = request.headers.get("Authorization", "")
            scheme, _sep, raw = header.partition(" ")
            if scheme.lower() == "bearer" and raw.strip():
                token = token_holder(raw=raw.strip(), now=timezone.now())
                if token is not None:
                    request.user = token.user
                    request.api_token = token  # type: ignore[attr-defined]
        return self.get_response(request)


class AccountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not isinstance(user, User):
            return self.get_response(request)
        is_api = request.path.startswith(API_PREFIX)
        if not is_api:
            refused = self._session_refused(request, user)
            if refused is not None:
                return refused
        ip = client_ip(request)
        if user.role == Role.ORG_ADMIN and not admin_ip_allowed(user.organization, ip):
            return _ip_refusal(request, ip, is_api)
        if user.must_change_password and not self._may_skip_password_change(request, is_api):
            if is_api:
                return JsonResponse(
                    {"detail": _("Change your initial password first (POST /api/v1/me/password).")},
                    status=403,
                )
            messages.warning(request, _("Please change the password you were issued first."))
            return redirect("accounts:password")
        _activate_preferences(request, user)
        try:
            with tenant_scope(user.organization):
                return self.get_response(request)
        finally:
            timezone.deactivate()

    def _session_refused(self, request: HttpRequest, user: User) -> HttpResponse | None:
        if (
            user.role == Role.AGENT
            and user.session_key
            and (request.session.session_key != user.session_key)
        ):
            record_logout(
                user=user,
                ip=client_ip(request),
                user_agent=user_agent(request),
                channel=Channel.WEB,
                now=timezone.now(),
                result=LoginResult.REPLACED,
            )
            logout(request)
            messages.warning(
                request,
                _("You were signed out because this login ID signed in somewhere else."),
            )
            return redirect("accounts:login")
        if user.role == Role.ORG_ADMIN and BACKEND_SESSION_KEY in request.session:
            # Administrators get a short idle timeout (SPEC G-PL-05); each request renews it.
            request.session.set_expiry(settings.SANGDAM_ADMIN_IDLE_SECONDS)
        return None

    @staticmethod
    def _may_skip_password_change(request: HttpRequest, is_api: bool) -> bool:
        exempt = API_PASSWORD_CHANGE_EXEMPT if is_api else PASSWORD_CHANGE_EXEMPT
        return request.path.startswith(exempt)


def _activate_preferences(request: HttpRequest, user: User) -> None:
    try:
        timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.activate(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    if user.language in dict(settings.LANGUAGES):
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language


def _ip_refusal(request: HttpRequest, ip: str, is_api: bool) -> HttpResponse:
    message = ip_denied_message(ip)
    if is_api:
        return JsonResponse({"detail": message}, status=403)
    return render(
        request,
        "core/refused.html",
        {
            "title": _("Access not allowed"),
            "message": message,
            "logout_url": reverse("accounts:logout"),
        },
        status=403,
    )
