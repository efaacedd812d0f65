"""Query pieces the database layer needs beyond Django's own."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import models

_CODE = re.compile(r"[A-Za-z0-9_]+")


class InCodes(models.Func):
    """``field IN ('01', '03')`` with the codes written into the SQL, not bound.

    SQLite uses a partial index only when the query repeats the index's condition term for term,
    and a bound parameter never matches the literal of the index: with ``field__in`` such a query
    scans the whole table. So the codes are written in; only constant codes (letters, digits,
    underscores) are accepted, never user input.
    """

    output_field = models.BooleanField()

    def __init__(self, field: str, codes: Sequence[str]) -> None:
        if not codes or not all(_CODE.fullmatch(code) for code in codes):
            raise ValueError(f"InCodes takes constant codes, not {codes!r}")
        listed = ", ".join(f"'{code}'" for code in codes)
        super().__init__(models.F(field), template=f"%(expressions)s IN ({listed})")
