"""The HWM checkpoint rule of KSEF-NOTES §6.5 and the governor's sliding windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ksef_gateway.domain import MAX_WINDOW, next_checkpoint, window_end
from ksef_gateway.governor import LIMITS, wait_needed

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_truncated_package_continues_from_its_last_permanent_storage_date() -> None:
    last, hwm = T0 + timedelta(hours=1), T0 + timedelta(hours=5)
    assert next_checkpoint(T0, truncated=True, last_date=last, hwm=hwm, window_to=None) == last


def test_complete_package_continues_from_the_high_water_mark() -> None:
    hwm = T0 + timedelta(hours=5)
    assert next_checkpoint(T0, truncated=False, last_date=None, hwm=hwm, window_to=None) == hwm


def test_without_either_date_the_checkpoint_stays() -> None:
    assert next_checkpoint(T0, truncated=False, last_date=None, hwm=None, window_to=None) == T0


def test_a_closed_backfill_window_never_jumps_past_its_end() -> None:
    end, hwm = T0 + timedelta(days=89), T0 + timedelta(days=200)
    assert next_checkpoint(T0, truncated=False, last_date=None, hwm=hwm, window_to=end) == end


def test_the_checkpoint_never_goes_back() -> None:
    earlier = T0 - timedelta(hours=1)
    assert next_checkpoint(T0, truncated=False, last_date=None, hwm=earlier, window_to=None) == T0


def test_history_is_read_in_windows_under_three_months() -> None:
    assert window_end(T0, T0 + timedelta(days=365)) == T0 + MAX_WINDOW
    assert window_end(T0, T0 + timedelta(days=30)) is None


def test_hourly_metadata_budget_waits_for_the_oldest_request_to_leave_the_window() -> None:
    now = T0 + timedelta(hours=1)
    sent = [T0 + timedelta(minutes=3 * i) for i in range(20)]  # 20 in the last hour
    wait = wait_needed(sent, LIMITS["invoiceMetadata"], now, margin=2.0)
    assert wait == (sent[0] + timedelta(seconds=3602) - now).total_seconds()
    assert wait_needed(sent[1:], LIMITS["invoiceMetadata"], now, margin=2.0) == 0


def test_per_second_burst_is_held_back() -> None:
    sent = [T0 + timedelta(milliseconds=10 * i) for i in range(8)]
    assert wait_needed(sent, LIMITS["invoiceDownload"], T0 + timedelta(milliseconds=100), 0.0) > 0
