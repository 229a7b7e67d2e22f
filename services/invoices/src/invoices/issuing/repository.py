"""SQL of the issuing side: issued invoices, series and counters, counterparties, certificates."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from chassis.db import Conn
from chassis.tenancy import scope
from chassis.tokens import Principal
from invoices.issuing.domain import DEFAULT_PATTERNS, IssuedInvoiceNotFound, Kind, SeriesNotFound

# "queued" while the send request still waits in our outbox, "sending" once Kafka has it.
STATUS_SQL = (
    "CASE WHEN i.status = 'sending' AND EXISTS"
    " (SELECT 1 FROM outbox o WHERE o.event_id = i.send_event_id)"
    " THEN 'queued' ELSE i.status END"
)
SUMMARY = (
    "i.id, i.company_id, i.kind, " + STATUS_SQL + " AS status, i.number, i.issue_date,"
    " i.buyer_nip, i.buyer_name, i.currency, i.net, i.vat, i.gross, i.offline,"
    " i.offline_mode, i.offline_deadline, i.ksef_number, i.error_message, i.retryable,"
    " i.created_at, i.updated_at, i.sent_at, i.accepted_at, i.corrected_id, i.on_behalf_office_id"
)


async def get(conn: Conn, principal: Principal, invoice_id: UUID, *, lock: bool = False) -> Any:
    """The invoice if the caller's context reaches its company, else 404."""
    clause, params = scope(principal, "i.company_id", 2)
    row = await conn.fetchrow(
        f"SELECT {SUMMARY}, i.form, i.totals, i.series_id, i.xml, i.invoice_hash, i.qr2_link,"
        f" i.upo_xml, i.errors, i.acquisition_date, i.status AS stored_status"
        f" FROM issued_invoices i WHERE i.id = $1 AND {clause}"
        + (" FOR UPDATE OF i" if lock else ""),
        invoice_id,
        *params,
    )
    if row is None:
        raise IssuedInvoiceNotFound()
    return row


async def of_company(conn: Conn, company_id: UUID, ids: list[UUID]) -> list[Any]:
    return list(
        await conn.fetch(
            "SELECT id, kind, status, number, issue_date, ksef_number, form, totals"
            " FROM issued_invoices WHERE company_id = $1 AND id = ANY($2::uuid[])",
            company_id,
            ids,
        )
    )


async def insert(conn: Conn, values: dict[str, Any]) -> None:
    cols = list(values)
    marks = ", ".join(f"${i}" for i in range(1, len(cols) + 1))
    await conn.execute(
        f"INSERT INTO issued_invoices ({', '.join(cols)}) VALUES ({marks})", *values.values()
    )


async def update(conn: Conn, invoice_id: UUID, values: dict[str, Any]) -> None:
    sets = ", ".join(f"{c} = ${i}" for i, c in enumerate(values, start=2))
    await conn.execute(
        f"UPDATE issued_invoices SET {sets}, updated_at = now() WHERE id = $1",
        invoice_id,
        *values.values(),
    )


async def delete(conn: Conn, invoice_id: UUID) -> None:
    await conn.execute("DELETE FROM issued_invoices WHERE id = $1", invoice_id)


async def number_taken(
    conn: Conn, company_id: UUID, kind: str, number: str, except_id: UUID
) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM issued_invoices WHERE company_id = $1 AND kind = $2"
            " AND number = $3 AND id <> $4)",
            company_id,
            kind,
            number,
            except_id,
        )
    )


async def listing(
    conn: Conn,
    principal: Principal,
    *,
    company_id: UUID | None,
    statuses: list[str] | None,
    limit: int,
    offset: int,
) -> list[Any]:
    clause, params = scope(principal, "i.company_id", 1)
    where, args = [clause], list(params)
    if company_id is not None:
        args.append(company_id)
        where.append(f"i.company_id = ${len(args)}")
    if statuses:
        args.append(statuses)
        where.append(f"({STATUS_SQL}) = ANY(${len(args)}::text[])")
    args += [limit, offset]
    return list(
        await conn.fetch(
            f"SELECT {SUMMARY} FROM issued_invoices i WHERE {' AND '.join(where)}"
            f" ORDER BY i.created_at DESC, i.id LIMIT ${len(args) - 1} OFFSET ${len(args)}",
            *args,
        )
    )


async def waiting(conn: Conn, principal: Principal) -> list[Any]:
    """Invoices not yet in KSeF, the closest offline deadline first."""
    clause, params = scope(principal, "i.company_id", 1)
    return list(
        await conn.fetch(
            f"SELECT {SUMMARY} FROM issued_invoices i"
            f" WHERE i.status IN ('sending', 'offline') AND {clause}"
            " ORDER BY i.offline_deadline NULLS LAST, i.sent_at, i.id",
            *params,
        )
    )


# --- settings and series ----------------------------------------------------------------------


async def office_may_issue(conn: Conn, company_id: UUID) -> bool:
    value = await conn.fetchval(
        "SELECT office_may_issue FROM issuing_settings WHERE company_id = $1", company_id
    )
    return bool(value)


async def save_settings(conn: Conn, company_id: UUID, office_may: bool, by: UUID) -> None:
    await conn.execute(
        "INSERT INTO issuing_settings (company_id, office_may_issue, updated_by)"
        " VALUES ($1, $2, $3)"
        " ON CONFLICT (company_id) DO UPDATE SET office_may_issue = EXCLUDED.office_may_issue,"
        " updated_by = EXCLUDED.updated_by, updated_at = now()",
        company_id,
        office_may,
        by,
    )


async def series_list(conn: Conn, company_id: UUID) -> list[Any]:
    return list(
        await conn.fetch(
            "SELECT id, kind, name, pattern, reset, is_default FROM issuing_series"
            " WHERE company_id = $1 ORDER BY kind, name",
            company_id,
        )
    )


async def add_series(conn: Conn, company_id: UUID, values: dict[str, Any]) -> UUID:
    series_id = uuid4()
    if values["is_default"]:
        await conn.execute(
            "UPDATE issuing_series SET is_default = false WHERE company_id = $1 AND kind = $2",
            company_id,
            values["kind"],
        )
    await conn.execute(
        "INSERT INTO issuing_series (id, company_id, kind, name, pattern, reset, is_default)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        series_id,
        company_id,
        values["kind"],
        values["name"],
        values["pattern"],
        values["reset"],
        values["is_default"],
    )
    return series_id


async def series_for(conn: Conn, company_id: UUID, kind: Kind, series_id: UUID | None) -> Any:
    """The chosen series, or the kind's default (created on first use)."""
    if series_id is not None:
        row = await conn.fetchrow(
            "SELECT * FROM issuing_series WHERE id = $1 AND company_id = $2", series_id, company_id
        )
        if row is None or row["kind"] != kind.value:
            raise SeriesNotFound()
        return row
    await conn.execute(
        "INSERT INTO issuing_series (id, company_id, kind, name, pattern, reset, is_default)"
        " VALUES ($1, $2, $3, $4, $5, 'monthly', true) ON CONFLICT DO NOTHING",
        uuid4(),
        company_id,
        kind.value,
        f"Domyślna {kind.value}",
        DEFAULT_PATTERNS[kind],
    )
    return await conn.fetchrow(
        "SELECT * FROM issuing_series WHERE company_id = $1 AND kind = $2 AND is_default",
        company_id,
        kind.value,
    )


async def next_number(conn: Conn, series_id: UUID, period: str) -> int:
    value: int = await conn.fetchval(
        "INSERT INTO issuing_counters (series_id, period, last) VALUES ($1, $2, 1)"
        " ON CONFLICT (series_id, period) DO UPDATE SET last = issuing_counters.last + 1"
        " RETURNING last",
        series_id,
        period,
    )
    return value


# --- counterparties and certificates ----------------------------------------------------------


async def remember_buyer(conn: Conn, company_id: UUID, buyer: dict[str, Any]) -> None:
    key = buyer.get("nip") or buyer.get("eu_vat") or buyer.get("foreign_id") or buyer["name"]
    await conn.execute(
        "INSERT INTO issuing_counterparties (company_id, key, nip, name, buyer)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (company_id, key) DO UPDATE SET"
        " nip = EXCLUDED.nip, name = EXCLUDED.name, buyer = EXCLUDED.buyer, used_at = now()",
        company_id,
        key,
        buyer.get("nip"),
        buyer["name"],
        buyer,
    )


async def find_counterparties(conn: Conn, company_id: UUID, query: str) -> list[Any]:
    """Buyers invoiced before, then counterparties of the company's KSeF invoices."""
    like = f"%{query}%"
    return list(
        await conn.fetch(
            "SELECT nip, name, buyer, 'issued' AS source FROM issuing_counterparties"
            " WHERE company_id = $1 AND (nip LIKE $2 OR name ILIKE $2)"
            " UNION ALL"
            " SELECT DISTINCT ON (counterparty_nip) counterparty_nip, counterparty_name, NULL,"
            " 'ksef' FROM invoices WHERE company_id = $1 AND counterparty_nip <> ''"
            " AND (counterparty_nip LIKE $2 OR counterparty_name ILIKE $2)"
            " LIMIT 20",
            company_id,
            like,
        )
    )


async def offline_certificate(conn: Conn, company_id: UUID) -> Any:
    return await conn.fetchrow(
        "SELECT serial, certificate, private_key, valid_from, valid_to, uploaded_at"
        " FROM issuing_offline_certificates WHERE company_id = $1",
        company_id,
    )


async def save_offline_certificate(conn: Conn, company_id: UUID, values: dict[str, Any]) -> None:
    await conn.execute(
        "INSERT INTO issuing_offline_certificates (company_id, serial, certificate, private_key,"
        " valid_from, valid_to, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (company_id) DO UPDATE SET serial = EXCLUDED.serial,"
        " certificate = EXCLUDED.certificate, private_key = EXCLUDED.private_key,"
        " valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,"
        " uploaded_by = EXCLUDED.uploaded_by, uploaded_at = now()",
        company_id,
        values["serial"],
        values["certificate"],
        values["private_key"],
        values["valid_from"],
        values["valid_to"],
        values["uploaded_by"],
    )
