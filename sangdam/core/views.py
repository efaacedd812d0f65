from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


def flash_form_errors(request: HttpRequest, form: forms.Form) -> None:
    """Say in one message which fields are wrong and why, beside the marks on the fields."""
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            parts.append(f"{label}: {error}" if label else str(error))
    if parts:
        messages.error(request, _("Please check your input. ") + " / ".join(parts))


def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, _("Not allowed"), _("You may not open this page."), 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, _("Page not found"), _("This page does not exist."), 404)


def _error_page(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    from django.shortcuts import render  # noqa: PLC0415

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "core/refused.html", {"title": title, "message": message}, status=status)
