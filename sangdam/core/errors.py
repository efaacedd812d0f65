"""The one base class of every error a person may be shown."""

from __future__ import annotations

from django.utils.functional import Promise


class SangdamError(Exception):
    """A refusal with a message meant for the user, optionally naming the field at fault."""

    # The API answers with this status; pages show the message either way.
    http_status = 400

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class NotFound(SangdamError):
    """The object does not exist, or belongs to another organization: the caller cannot tell."""

    http_status = 404


class InvalidInput(SangdamError):
    """Bad values, each message keyed by the field it belongs to ("" for the whole form)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first_field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=first_field or None)
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str) -> InvalidInput:
        return cls({field: [message]})
