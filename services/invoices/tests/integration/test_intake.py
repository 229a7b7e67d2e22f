"""Intake of invoice.fetched on the real database: stored once, failures kept with a reason."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import asyncpg
from invoice_fixtures import Tenants, ingest, new_ksef
from invoice_samples import fetched, make_xml

from chassis.inbox import process_once
from contracts.envelope import new_envelope
from contracts.ksef_gateway import Direction, KsefSyncCompleted
from invoices.handlers import on_sync_completed


async def test_a_fetched_invoice_is_stored_with_its_model_and_raw_xml(
    pool: asyncpg.Pool, tenants: Tenants
) -> None:
    xml = make_xml(buyer=(tenants.company_nip, "Błaszczak - Lenart"))
    invoice_id = await ingest(pool, fetched(tenants.company, tenants.company_nip, xml))
    row = await pool.fetchrow("SELECT * FROM invoices WHERE id = $1", invoice_id)
    assert row["status"] == "parsed"
    assert (row["net"], row["vat"], row["gross"]) == (
        Decimal("10652.38"),
        Decimal("2450.05"),
        Decimal("13102.43"),
    )
    assert row["counterparty_name"] == "Bogusz - Sienkiewicz"
    assert row["approval"] == "pending"
    assert row["doc"]["rates"][0]["code"] == "23"
    assert (
        await pool.fetchval("SELECT xml FROM invoice_documents WHERE invoice_id = $1", invoice_id)
        == xml
    )


async def test_the_same_ksef_number_twice_is_one_invoice(
    pool: asyncpg.Pool, tenants: Tenants
) -> None:
    number = new_ksef("5265877635")
    for _ in range(2):  # two deliveries with different event ids
        await ingest(
            pool, fetched(tenants.company, tenants.company_nip, make_xml(), ksef_number=number)
        )
    assert await pool.fetchval("SELECT count(*) FROM invoices WHERE ksef_number = $1", number) == 1


async def test_unreadable_invoices_are_kept_as_failed_with_the_reason(
    pool: asyncpg.Pool, tenants: Tenants
) -> None:
    bad = {
        "malformed_xml": b"<Faktura><P_1>",
        "dtd_forbidden": b'<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>',
        "schema_invalid": make_xml(kind="NOWY"),
        "too_large": b"<a>" + b"x" * 1_100_000 + b"</a>",
    }
    for code, xml in bad.items():
        invoice_id = await ingest(pool, fetched(tenants.company, tenants.company_nip, xml))
        row = await pool.fetchrow(
            "SELECT status, error_code, error, invoice_number FROM invoices WHERE id = $1",
            invoice_id,
        )
        assert (row["status"], row["error_code"]) == ("failed", code)
        assert row["error"]
        assert row["invoice_number"] == "FV/meta"
        assert await pool.fetchval(
            "SELECT length(xml) FROM invoice_documents WHERE invoice_id = $1", invoice_id
        ) == len(xml)


async def test_a_claim_check_invoice_is_kept_as_failed_not_dropped(
    pool: asyncpg.Pool, tenants: Tenants
) -> None:
    event = fetched(tenants.company, tenants.company_nip, None, xml_ref="s3://ksef/k/1.xml")
    invoice_id = await ingest(pool, event)
    assert (
        await pool.fetchval("SELECT error_code FROM invoices WHERE id = $1", invoice_id)
        == "xml_unavailable"
    )


async def test_a_failed_invoice_is_replaced_when_it_arrives_readable(
    pool: asyncpg.Pool, tenants: Tenants
) -> None:
    number = new_ksef("5265877635")
    await ingest(
        pool, fetched(tenants.company, tenants.company_nip, b"<broken", ksef_number=number)
    )
    invoice_id = await ingest(
        pool, fetched(tenants.company, tenants.company_nip, make_xml(), ksef_number=number)
    )
    assert await pool.fetchval("SELECT status FROM invoices WHERE id = $1", invoice_id) == "parsed"


async def test_sync_completed_keeps_the_latest_round(pool: asyncpg.Pool, tenants: Tenants) -> None:
    for hour in (12, 9):
        event = KsefSyncCompleted(
            company_id=tenants.company,
            direction=Direction.purchase,
            started_at=datetime(2025, 7, 16, hour, tzinfo=UTC),
            finished_at=datetime(2025, 7, 16, hour, 1, tzinfo=UTC),
            high_water_mark=None,
            fetched=3,
        )
        envelope = new_envelope("ksef.sync.completed", 1, event, producer="ksef-gateway")
        await process_once(pool, "invoices", envelope, on_sync_completed)
    finished = await pool.fetchval(
        "SELECT finished_at FROM sync_status WHERE company_id = $1", tenants.company
    )
    assert finished == datetime(2025, 7, 16, 12, 1, tzinfo=UTC)
