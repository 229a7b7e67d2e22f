"""Use cases of taxes: one function each, one transaction each, events through the outbox.

Only office staff enter, import, edit and delete items; the company's people (owner, admin,
employee, client) and the office see the same items and may mark them paid or export them.
Every company id is checked against the caller's context first (404 outside it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID, uuid4

import asyncpg

from chassis import outbox
from chassis.db import Conn
from chassis.errors import Forbidden
from chassis.tenancy import Company, require_company
from chassis.tokens import Principal
from contracts import new_envelope
from contracts.taxes import TAX_ITEM_CREATED, TaxItemCreated
from taxes import repository as repo
from taxes.domain import (
    AmountBelowPaid,
    Item,
    ItemAlreadyPaid,
    ItemHasPayments,
    ItemNotFound,
    MonthNotEmpty,
    NothingToCopy,
    Overpayment,
    Payment,
    PaymentInFuture,
    Tile,
    add_months,
    format_period,
    tile,
)
from taxes.items import ItemInput, as_input, build_item, copied_input

PRODUCER = "taxes"
OFFICE_ROLES = ("admin", "manager", "employee")
COMPANY_ROLES = ("owner", "admin", "employee", "client")


def require_reader(principal: Principal) -> None:
    principal.require_role(*(OFFICE_ROLES if principal.is_office else COMPANY_ROLES))


def require_office(principal: Principal) -> None:
    if not principal.is_office:
        raise Forbidden(message="Pozycje podatków i opłat wprowadza biuro rachunkowe.")
    principal.require_role(*OFFICE_ROLES)


async def _company(conn: Conn, principal: Principal, company_id: UUID) -> Company:
    require_reader(principal)
    return await require_company(conn, principal, company_id)


async def _emit_created(conn: Conn, company: Company, item: Item) -> None:
    data = TaxItemCreated(
        item_id=item.id,
        company_id=item.company_id,
        kind=item.kind,
        period=format_period(item.period),
        amount_grosze=item.amount_grosze,
        due_date=item.due_date,
        title=item.title,
    )
    event = new_envelope(
        TAX_ITEM_CREATED.event_type,
        TAX_ITEM_CREATED.version,
        data,
        producer=PRODUCER,
        org_id=company.org_id,
        company_nip=company.nip,
    )
    await outbox.add(conn, event, key=str(company.org_id))


async def save_new(conn: Conn, principal: Principal, company: Company, items: list[Item]) -> None:
    await repo.insert_items(conn, items, principal.user_id)
    for item in items:
        await _emit_created(conn, company, item)


async def create_item(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, inp: ItemInput
) -> Item:
    """The office enters one item."""
    require_office(principal)
    async with pool.acquire() as conn, conn.transaction():
        company = await require_company(conn, principal, company_id)
        item = build_item(company, inp, uuid4())
        await save_new(conn, principal, company, [item])
    return item


async def get_item(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, item_id: UUID
) -> tuple[Item, list[Payment]]:
    async with pool.acquire() as conn:
        await _company(conn, principal, company_id)
        item = await repo.get_item(conn, company_id, item_id)
        if item is None:
            raise ItemNotFound()
        payments = await repo.payments_of(conn, [item.id])
    return item, payments.get(item.id, [])


async def update_item(
    pool: asyncpg.Pool,
    principal: Principal,
    company_id: UUID,
    item_id: UUID,
    changes: dict[str, object],
) -> Item:
    """The office corrects an item; what was already paid stays, the amount may not go below it."""
    require_office(principal)
    async with pool.acquire() as conn, conn.transaction():
        company = await require_company(conn, principal, company_id)
        current = await repo.get_item(conn, company_id, item_id, lock=True)
        if current is None:
            raise ItemNotFound()
        inp = replace(as_input(current), **changes)  # type: ignore[arg-type]
        if inp.amount_grosze < current.paid_grosze:
            raise AmountBelowPaid(details={"paid_grosze": current.paid_grosze})
        item = build_item(company, inp, current.id, current.paid_grosze)
        await repo.update_item(conn, item)
    return item


async def delete_item(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, item_id: UUID
) -> None:
    """The office removes an item entered by mistake (never one with payments)."""
    require_office(principal)
    async with pool.acquire() as conn, conn.transaction():
        await require_company(conn, principal, company_id)
        item = await repo.get_item(conn, company_id, item_id, lock=True)
        if item is None:
            raise ItemNotFound()
        if item.paid_grosze:
            raise ItemHasPayments()
        await repo.delete_item(conn, item.id)


async def copy_previous_month(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, period: date
) -> list[Item]:
    """Items of the month before, moved one month on, into an empty month."""
    require_office(principal)
    previous = add_months(period, -1)
    async with pool.acquire() as conn, conn.transaction():
        company = await require_company(conn, principal, company_id)
        if await repo.items_between(conn, company_id, period, period):
            raise MonthNotEmpty(details={"period": format_period(period)})
        # Split payments belong to one invoice each, so they are never repeated.
        source = [
            i
            for i in await repo.items_between(conn, company_id, previous, previous)
            if i.split is None
        ]
        if not source:
            raise NothingToCopy(details={"period": format_period(previous)})
        items = [build_item(company, copied_input(i, 1), uuid4()) for i in source]
        await save_new(conn, principal, company, items)
    return items


async def mark_paid(
    pool: asyncpg.Pool,
    principal: Principal,
    company_id: UUID,
    item_id: UUID,
    *,
    paid_on: date,
    amount_grosze: int | None,
    today: date,
) -> tuple[Item, Payment]:
    """Record a payment (the whole outstanding amount unless a part is given)."""
    if paid_on > today:
        raise PaymentInFuture(details={"paid_on": paid_on.isoformat()})
    async with pool.acquire() as conn, conn.transaction():
        await _company(conn, principal, company_id)
        item = await repo.get_item(conn, company_id, item_id, lock=True)
        if item is None:
            raise ItemNotFound()
        if item.outstanding_grosze == 0:
            raise ItemAlreadyPaid()
        amount = item.outstanding_grosze if amount_grosze is None else amount_grosze
        if amount > item.outstanding_grosze:
            raise Overpayment(details={"outstanding_grosze": item.outstanding_grosze})
        payment = Payment(uuid4(), item.id, paid_on, amount)
        await repo.add_payment(conn, payment, principal.user_id)
    return replace(item, paid_grosze=item.paid_grosze + amount), payment


@dataclass(frozen=True)
class Month:
    tile: Tile
    items: list[Item]
    payments: dict[UUID, list[Payment]]


async def month(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, period: date, today: date
) -> Month:
    async with pool.acquire() as conn:
        await _company(conn, principal, company_id)
        items = await repo.items_between(conn, company_id, period, period)
        payments = await repo.payments_of(conn, [i.id for i in items])
    return Month(tile(period, items, today), items, payments)


async def year_tiles(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, year: int, today: date
) -> list[Tile]:
    """Twelve tiles, January to December, by the month the items belong to."""
    async with pool.acquire() as conn:
        await _company(conn, principal, company_id)
        items = await repo.items_between(conn, company_id, date(year, 1, 1), date(year, 12, 1))
    by_month: dict[int, list[Item]] = {}
    for item in items:
        by_month.setdefault(item.period.month, []).append(item)
    return [tile(date(year, m, 1), by_month.get(m, []), today) for m in range(1, 13)]


async def years(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, today: date
) -> list[int]:
    """Years with items, and always the current one, for the year filter."""
    async with pool.acquire() as conn:
        await _company(conn, principal, company_id)
        found = await repo.years(conn, company_id)
    return sorted({*found, today.year})


async def company_items(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, ids: Sequence[UUID]
) -> tuple[Company, list[Item]]:
    async with pool.acquire() as conn:
        company = await _company(conn, principal, company_id)
        items = await repo.items_by_ids(conn, company_id, ids)
    missing = set(ids) - {i.id for i in items}
    if missing:
        raise ItemNotFound(details={"item_ids": sorted(str(m) for m in missing)})
    return company, items
