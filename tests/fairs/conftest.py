"""Fixtures shared by the fair tests: an organizer of `acme` and the manual's one-day fair."""

from __future__ import annotations

import pytest

from sangdam.accounts.models import User
from sangdam.core.models import Organization
from sangdam.fairs.models import Event
from tests.fairs.fair import make_event, make_organizer


@pytest.fixture
def organizer(organization: Organization) -> User:
    return make_organizer(organization)


@pytest.fixture
def event(organizer: User) -> Event:
    return make_event(organizer)
