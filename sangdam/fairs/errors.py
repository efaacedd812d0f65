"""Refusals of the fair's rules, each with the message a participant or organizer sees."""

from __future__ import annotations

from sangdam.core.errors import SangdamError


class FairRuleBroken(SangdamError):
    """An action the fair's rules do not allow; the message says which rule."""

    http_status = 409


class DeadlinePassed(FairRuleBroken):
    pass
