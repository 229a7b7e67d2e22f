"""Company-level issuing set-up: office permission, numbering series, the Offline certificate."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from chassis.errors import Conflict
from chassis.tenancy import require_company
from chassis.tokens import Principal
from invoices.issuing import offline
from invoices.issuing import repository as repo
from invoices.issuing.domain import require_settings_manager


async def settings(pool: asyncpg.Pool, principal: Principal, company_id: UUID) -> dict[str, Any]:
    async with pool.acquire() as conn:
        await require_company(conn, principal, company_id)
        cert = await repo.offline_certificate(conn, company_id)
        return {
            "company_id": company_id,
            "office_may_issue": await repo.office_may_issue(conn, company_id),
            "offline_certificate": None
            if cert is None
            else {
                "serial": cert["serial"],
                "valid_from": cert["valid_from"],
                "valid_to": cert["valid_to"],
                "uploaded_at": cert["uploaded_at"],
            },
            "series": [dict(r) for r in await repo.series_list(conn, company_id)],
        }


async def save_settings(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, office_may_issue: bool
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await require_company(conn, principal, company_id)
        require_settings_manager(principal)
        await repo.save_settings(conn, company_id, office_may_issue, principal.user_id)


async def add_series(
    pool: asyncpg.Pool, principal: Principal, company_id: UUID, values: dict[str, Any]
) -> UUID:
    async with pool.acquire() as conn, conn.transaction():
        await require_company(conn, principal, company_id)
        require_settings_manager(principal)
        try:
            return await repo.add_series(conn, company_id, values)
        except asyncpg.UniqueViolationError as error:
            raise Conflict("Seria o tej nazwie już istnieje.", code="series_exists") from error


async def upload_certificate(
    pool: asyncpg.Pool,
    principal: Principal,
    company_id: UUID,
    certificate: str,
    private_key: str,
    password: str | None,
    key_secret: str | None,
) -> str:
    async with pool.acquire() as conn, conn.transaction():
        await require_company(conn, principal, company_id)
        require_settings_manager(principal)
        values = offline.load_certificate(certificate, private_key, password)
        values["private_key"] = offline.seal(key_secret, values["private_key"])
        await repo.save_offline_certificate(
            conn, company_id, values | {"uploaded_by": principal.user_id}
        )
    serial: str = values["serial"]
    return serial
