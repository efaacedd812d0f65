"""Who may open which page: role checks every view declares, enforced on the server."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from sangdam.accounts.audit import Actor
from sangdam.accounts.models import User
from sangdam.core.http import client_ip

View = TypeVar("View", bound=Callable[..., HttpResponse])


class AuthenticatedRequest(HttpRequest):
    user: User


def role_required(*roles: str) -> Callable[[View], View]:
    """Let only signed-in users with one of ``roles`` through; others get a refusal page."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not isinstance(user, User):
                return redirect_to_login(request)
            if roles and user.role not in roles:
                return refusal(request, _("Your account does not have access to this page."))
            return view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorate


def signed_in(view: View) -> View:
    return role_required()(view)


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth.views import redirect_to_login as django_redirect  # noqa: PLC0415

    return django_redirect(request.get_full_path())


def refusal(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(
        request, "core/refused.html", {"title": _("Not allowed"), "message": message}, status=status
    )


def api_user_with_role(request: HttpRequest, roles: Iterable[str], refusal_message: str) -> User:
    """The API caller, refused (403) unless their role is one of ``roles``; the API's
    counterpart of ``role_required``."""
    user = request.user
    assert isinstance(user, User)
    if user.role not in roles:
        raise PermissionDenied(refusal_message)
    return user


def actor_of(request: HttpRequest) -> Actor:
    assert isinstance(request.user, User)
    return Actor(user=request.user, ip=client_ip(request))
