"""Use cases that work on many items: CSV import (all or nothing) and transfer file export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from chassis.errors import ApiError
from chassis.tenancy import get_org, scope
from chassis.tokens import Principal
from taxes import accounts, csv_import
from taxes import repository as repo
from taxes.domain import (
    ExecutionDateInPast,
    InvalidAccount,
    InvalidCsv,
    Item,
    ItemAlreadyPaid,
)
from taxes.items import build_item
from taxes.services import company_items, require_office, save_new
from taxes.transfers import Order, Orderer, elixir_file


async def import_csv(pool: asyncpg.Pool, principal: Principal, body: bytes) -> list[Item]:
    """Items for the office's client companies from a CSV: every row valid, or nothing saved."""
    require_office(principal)
    rows, errors = csv_import.parse(csv_import.decode(body))
    async with pool.acquire() as conn, conn.transaction():
        clause, params = scope(principal, "o.org_id", 2)
        known = await repo.companies_by_nip(conn, sorted({r.nip for r in rows}), clause, params)
        built: list[tuple[UUID, Item]] = []
        for row in rows:
            company_id = known.get(row.nip)
            if company_id is None:
                msg = f"Firma o NIP {row.nip} nie jest klientem dostępnym w tym kontekście."
                errors.append(csv_import.problem(row.line, "nip", "company_not_found", msg))
                continue
            company = await get_org(conn, company_id)
            assert company is not None
            try:
                built.append((company_id, build_item(company, row.item, uuid4())))
            except ApiError as error:
                field = _field_of(error.details)
                errors.append(csv_import.problem(row.line, field, error.code, error.message))
        if errors:
            raise InvalidCsv(details=sorted(errors, key=lambda e: e["row"]))
        for company_id in dict.fromkeys(c for c, _ in built):
            company = await get_org(conn, company_id)
            assert company is not None
            await save_new(conn, principal, company, [i for c, i in built if c == company_id])
    return [i for _, i in built]


def _field_of(details: Any) -> str | None:
    if isinstance(details, dict) and len(details) == 1:
        return str(next(iter(details)))
    return None


@dataclass(frozen=True)
class TransferFile:
    filename: str
    content: bytes
    items: list[Item]


async def export_elixir(
    pool: asyncpg.Pool,
    principal: Principal,
    company_id: UUID,
    item_ids: Sequence[UUID],
    *,
    from_account: str,
    execution_date: date | None,
    today: date,
) -> TransferFile:
    """An Elixir-O file paying what is still owed on the selected items from `from_account`.

    Each transfer is dated `execution_date`, or by default its due date, or today when that
    has passed (banks refuse past dates)."""
    account = accounts.normalise_account(from_account)
    if not accounts.is_valid_nrb(account):
        raise InvalidAccount(details={"from_account": from_account})
    if execution_date is not None and execution_date < today:
        raise ExecutionDateInPast(details={"execution_date": execution_date.isoformat()})
    company, items = await company_items(pool, principal, company_id, item_ids)
    paid = [str(i.id) for i in items if i.outstanding_grosze == 0]
    if paid:
        raise ItemAlreadyPaid(details={"item_ids": paid})
    orders = [Order(i, execution_date or max(i.due_date, today)) for i in items]
    orderer = Orderer(account=account, name=company.name, address=company.address)
    return TransferFile(
        filename=f"przelewy-{company.nip}-{today.strftime('%Y%m%d')}.pli",
        content=elixir_file(orderer, orders),
        items=items,
    )
