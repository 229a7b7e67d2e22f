"""Deadlines of offline invoices (KSEF-NOTES §10) on the Polish calendar of business days."""

from __future__ import annotations

from datetime import date

from invoices.issuing.domain import (
    OfflineMode,
    add_business_days,
    deadline_label,
    is_business_day,
    moved_by_failure,
    offline_deadline,
    outage_deadline,
)


def test_public_holidays_and_weekends_are_not_business_days() -> None:
    assert not is_business_day(date(2026, 4, 6))  # Easter Monday
    assert not is_business_day(date(2026, 6, 4))  # Corpus Christi
    assert not is_business_day(date(2026, 12, 24))  # Christmas Eve, from 2025
    assert not is_business_day(date(2026, 3, 7))  # Saturday
    assert is_business_day(date(2026, 3, 6))


def test_offline24_is_due_the_next_business_day_after_issue() -> None:
    assert offline_deadline(date(2026, 3, 6)) == date(2026, 3, 9)  # Friday -> Monday
    assert offline_deadline(date(2026, 4, 3)) == date(2026, 4, 7)  # over Easter Monday


def test_unavailability_is_due_the_next_business_day_after_it_ends() -> None:
    assert outage_deadline(OfflineMode.offline, date(2026, 12, 23)) == date(2026, 12, 28)


def test_a_failure_is_due_seven_business_days_after_it_ends() -> None:
    assert outage_deadline(OfflineMode.awaryjny, date(2026, 3, 2)) == date(2026, 3, 11)
    # Easter Monday is skipped: 7 business days after Thursday 2 April is Tuesday 14 April.
    assert add_business_days(date(2026, 4, 2), 7) == date(2026, 4, 14)
    assert outage_deadline(OfflineMode.awaryjny, date(2026, 4, 2)) == date(2026, 4, 14)


def test_no_deadline_while_it_lasts_nor_for_a_total_failure() -> None:
    assert outage_deadline(OfflineMode.offline, None) is None
    assert outage_deadline(OfflineMode.awaryjny, None) is None
    assert outage_deadline(OfflineMode.total, date(2026, 3, 2)) is None


def test_only_offline24_and_offline_invoices_move_to_an_announced_failure() -> None:
    assert moved_by_failure(OfflineMode.offline24)
    assert moved_by_failure(OfflineMode.offline)
    assert not moved_by_failure(OfflineMode.awaryjny)
    assert not moved_by_failure(OfflineMode.total)


def test_deadlines_are_shown_in_polish() -> None:
    assert deadline_label("offline24", date(2026, 3, 9)) == "do 09.03.2026"
    assert deadline_label("offline", None).startswith("nieznany: następny dzień roboczy")
    assert deadline_label("awaryjny", None).startswith("nieznany: 7 dni roboczych")
    assert deadline_label("total", None) == "brak obowiązku wysyłki (awaria całkowita KSeF)"
    assert deadline_label(None, None) is None
