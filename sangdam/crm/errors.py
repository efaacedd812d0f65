"""Refusals of the contact-center records, with the HTTP status the API answers with."""

from __future__ import annotations

from sangdam.core.errors import SangdamError


class TicketChanged(SangdamError):
    """Someone saved the ticket after this form was loaded; nothing was overwritten."""

    http_status = 409


class NotAllowed(SangdamError):
    """The rules of the record (24-hour edit window, upload permission, ...) refuse the action."""

    http_status = 403


class RecordLocked(SangdamError):
    """A consultation type used by records cannot change (SPEC CC-05)."""

    http_status = 409
