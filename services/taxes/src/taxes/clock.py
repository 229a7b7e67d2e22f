"""What day it is, in Poland: every status, overdue check and the scheduler ask this.

Injectable so tests (and a replayed day) can fix "today": the API takes it as the `today`
dependency (override it with `app.dependency_overrides[today]`), the scheduler as a callable.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends

Clock = Callable[[], date]
WARSAW = ZoneInfo("Europe/Warsaw")


def warsaw_today() -> date:
    """Due dates are Polish calendar days, so the day turns at midnight in Warsaw, not UTC."""
    return datetime.now(WARSAW).date()


def today() -> date:
    return warsaw_today()


Today = Annotated[date, Depends(today)]
