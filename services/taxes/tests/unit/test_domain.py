"""Item status and monthly tiles on a given day, periods and money parsing."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from contracts.taxes import TaxKind
from taxes.domain import (
    InvalidAmount,
    InvalidPeriod,
    Item,
    ItemStatus,
    TileStatus,
    Transfer,
    add_months,
    overdue_label,
    parse_grosze,
    parse_period,
    tile,
)


def item(due: date, amount: int = 10000, paid: int = 0, period: date = date(2026, 12, 1)) -> Item:
    return Item(
        id=uuid4(),
        company_id=uuid4(),
        kind=TaxKind.vat,
        period=period,
        amount_grosze=amount,
        paid_grosze=paid,
        due_date=due,
        account="88101000712222595141616800",
        recipient="Urząd Skarbowy",
        title="t",
        transfer=Transfer.tax,
    )


def test_item_is_pending_on_its_due_date_and_overdue_the_day_after_across_a_year() -> None:
    i = item(due=date(2026, 12, 31))
    assert i.status(date(2026, 12, 31)) is ItemStatus.pending
    assert i.status(date(2027, 1, 1)) is ItemStatus.overdue


def test_partial_payment_is_partial_until_due_then_overdue() -> None:
    i = item(due=date(2027, 1, 25), paid=4000)
    assert i.status(date(2027, 1, 25)) is ItemStatus.partially_paid
    assert i.status(date(2027, 1, 26)) is ItemStatus.overdue


def test_paid_item_is_never_overdue() -> None:
    assert item(due=date(2026, 1, 1), paid=10000).status(date(2030, 1, 1)) is ItemStatus.paid


def test_tile_turns_red_with_polish_plural_the_day_after_due() -> None:
    items = [item(due=date(2027, 1, 20)), item(due=date(2027, 1, 20), paid=2500)]
    yellow = tile(date(2026, 12, 1), items, date(2027, 1, 20))
    assert (yellow.status, yellow.label, yellow.color) == (TileStatus.pending, "oczekuje", "yellow")
    red = tile(date(2026, 12, 1), items, date(2027, 1, 21))
    assert (red.status, red.label, red.color, red.overdue) == (
        TileStatus.overdue,
        "2 zaległe",
        "red",
        2,
    )
    assert (red.total_grosze, red.paid_grosze, red.progress_percent) == (20000, 2500, 12)


def test_tile_of_paid_and_of_empty_months() -> None:
    paid = tile(date(2026, 2, 1), [item(due=date(2026, 3, 1), paid=10000)], date(2026, 4, 1))
    assert (paid.status, paid.label, paid.color, paid.progress_percent) == (
        TileStatus.paid,
        "opłacone",
        "green",
        100,
    )
    empty = tile(date(2026, 2, 1), [], date(2026, 4, 1))
    assert (empty.status, empty.items, empty.progress_percent) == (TileStatus.empty, 0, 0)


def test_progress_never_shows_100_before_everything_is_paid() -> None:
    t = tile(
        date(2026, 2, 1), [item(due=date(2026, 3, 1), amount=1000, paid=999)], date(2026, 3, 1)
    )
    assert t.progress_percent == 99


@pytest.mark.parametrize(
    ("n", "label"),
    [
        (1, "1 zaległa"),
        (2, "2 zaległe"),
        (5, "5 zaległych"),
        (12, "12 zaległych"),
        (22, "22 zaległe"),
    ],
)
def test_overdue_label_follows_polish_plural(n: int, label: str) -> None:
    assert overdue_label(n) == label


def test_add_months_clamps_to_month_end_and_crosses_years() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2027, 1, 1), -1) == date(2026, 12, 1)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-01", "1999-12", "2026-1", ""])
def test_impossible_periods_are_refused(text: str) -> None:
    with pytest.raises(InvalidPeriod):
        parse_period(text)


@pytest.mark.parametrize(
    ("text", "grosze"), [("1234,56", 123456), ("1 234.5", 123450), ("0,01", 1), ("17", 1700)]
)
def test_amounts_parse_exactly_to_grosze(text: str, grosze: int) -> None:
    assert parse_grosze(text) == grosze


@pytest.mark.parametrize("text", ["-5", "0", "1,234", "abc", "1e400", "NaN", "0.001"])
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises(InvalidAmount):
        parse_grosze(text)
