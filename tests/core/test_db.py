"""``InCodes`` writes constant codes into the SQL, and refuses anything else."""

from __future__ import annotations

import pytest

from sangdam.core.db import InCodes


@pytest.mark.parametrize("codes", [[], ["01", "0'; DROP TABLE x; --"], ["A B"]])
def test_only_constant_codes_may_be_written_into_the_sql(codes: list[str]) -> None:
    with pytest.raises(ValueError, match="constant codes"):
        InCodes("status", codes)


def test_the_codes_are_written_as_literals() -> None:
    assert InCodes("state", ["SCHEDULED", "QUEUED"]).extra["template"] == (
        "%(expressions)s IN ('SCHEDULED', 'QUEUED')"
    )
