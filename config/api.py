"""The versioned JSON API: one NinjaAPI, each app adds its router."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sangdam.accounts.api import BearerToken
from sangdam.accounts.api import router as accounts_router
from sangdam.core.errors import InvalidInput, SangdamError
from sangdam.crm.api_customers import router as customers_router
from sangdam.crm.api_lists import router as lists_router
from sangdam.crm.api_tickets import router as tickets_router
from sangdam.crm.api_types import router as types_router
from sangdam.fairs.api import router as fairs_router
from sangdam.messaging.api import router as messaging_router

api = NinjaAPI(
    title="Sangdam API",
    version="1",
    description=(
        "Sangdam's JSON API. Get a token with POST /api/v1/auth/token and send it as "
        "`Authorization: Bearer <token>`. Every call sees only the caller's organization and is "
        "subject to the same role checks as the web pages."
    ),
    urls_namespace="api-v1",
    auth=BearerToken(),
)
api.add_router("", accounts_router)
api.add_router("", fairs_router)
api.add_router("", customers_router)
api.add_router("", tickets_router)
api.add_router("", types_router)
api.add_router("", lists_router)
api.add_router("", messaging_router)


@api.exception_handler(InvalidInput)
def invalid_input(request: HttpRequest, error: InvalidInput) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": error.message,
            "errors": [
                {"field": field, "message": message}
                for field, messages in error.errors.items()
                for message in messages
            ],
        },
        status=400,
    )


@api.exception_handler(SangdamError)
def refused(request: HttpRequest, error: SangdamError) -> HttpResponse:
    return api.create_response(
        request, {"detail": error.message, "field": error.field}, status=error.http_status
    )


@api.exception_handler(ValidationError)
def malformed(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors = []
    for item in error.errors:
        # loc is e.g. ("body", "payload", "username"): the last part names the field.
        location = [str(part) for part in item.get("loc", []) if part not in ("body", "payload")]
        errors.append({"field": ".".join(location), "message": item.get("msg", "")})
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return api.create_response(
        request, {"detail": _("Invalid input: ") + detail, "errors": errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("Send a valid token: Authorization: Bearer <token>.")},
        status=401,
    )


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(error) or _("Your account may not do this.")}, status=403
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=error.status_code)
