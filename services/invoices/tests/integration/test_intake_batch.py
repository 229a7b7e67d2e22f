"""Batched intake on the real database and MinIO: one transaction per poll, once per event,
claim-checked XML read from the gateway's bucket, failures kept with a reason."""

from __future__ import annotations

import io
import os
import signal
from collections.abc import AsyncIterator, Iterator
from uuid import uuid4

import asyncpg
import pytest
from invoice_fixtures import Tenants, new_ksef
from invoice_samples import fetched, make_xml
from minio import Minio

from chassis.batching import process_batch
from chassis.kafka import TRANSIENT_ERRORS
from chassis.testing import stack_env
from contracts.envelope import new_envelope
from invoices.config import Settings
from invoices.consumers import Intake, ParserUnavailable
from invoices.storage import StorageUnavailable


def settings(**minio: str) -> Settings:
    """Settings for the worker's intake; without MinIO unless given (the stack env has it)."""
    return Settings(
        database_url="postgresql://unused",
        kafka_bootstrap_servers="unused:1",
        auth_jwks_url="http://unused/jwks",
        **({"minio_endpoint": None} | minio),  # type: ignore[arg-type]
    )


def minio_settings(endpoint: str | None = None) -> dict[str, str]:
    return {
        "minio_endpoint": endpoint or stack_env("MINIO_ENDPOINT"),
        "minio_access_key": stack_env("MINIO_ACCESS_KEY"),
        "minio_secret_key": stack_env("MINIO_SECRET_KEY"),
    }


@pytest.fixture
def bucket() -> Iterator[tuple[Minio, str]]:
    """A throwaway bucket standing in for the gateway's."""
    endpoint = stack_env("MINIO_ENDPOINT").split("://", 1)[-1]
    client = Minio(
        endpoint,
        access_key=stack_env("MINIO_ACCESS_KEY"),
        secret_key=stack_env("MINIO_SECRET_KEY"),
        secure=False,
    )
    name = f"invoices-test-{uuid4().hex[:12]}"
    client.make_bucket(name)
    yield client, name
    for item in client.list_objects(name, recursive=True):
        client.remove_object(name, item.object_name)
    client.remove_bucket(name)


@pytest.fixture
async def intake() -> AsyncIterator[Intake]:
    # one parser process: proves events and results cross the process boundary
    intake = Intake(settings(), processes=1)
    yield intake
    intake.close()


async def test_a_poll_is_stored_in_one_go_and_a_redelivered_poll_does_nothing(
    pool: asyncpg.Pool, tenants: Tenants, intake: Intake
) -> None:
    number = new_ksef("5265877635")
    events = [
        fetched(tenants.company, tenants.company_nip, b"<zepsuta", ksef_number=number),
        fetched(tenants.company, tenants.company_nip, make_xml(), ksef_number=number),
        *(
            fetched(tenants.company, tenants.company_nip, make_xml(number=f"B/{n}"))
            for n in range(3)
        ),
        fetched(tenants.other_company, "7010002137", make_xml(number="O/1")),
    ]
    envelopes = [new_envelope("invoice.fetched", 1, e, producer="ksef-gateway") for e in events]
    assert await process_batch(pool, "invoices", envelopes, intake.many) == 6
    assert await process_batch(pool, "invoices", envelopes, intake.many) == 0
    rows = await pool.fetch("SELECT ksef_number, status, office_id FROM invoices")
    assert len(rows) == 5
    assert {r["office_id"] for r in rows} == {tenants.office}
    assert [r["status"] for r in rows if r["ksef_number"] == number] == ["parsed"]
    effects = await pool.fetch("SELECT effect FROM inbox WHERE consumer = 'invoices'")
    assert sum("already stored" in r["effect"] for r in effects) == 1
    documents = await pool.fetchval("SELECT count(*) FROM invoice_documents")
    assert documents == 5


async def test_a_claim_checked_invoice_is_read_from_minio(
    pool: asyncpg.Pool, tenants: Tenants, bucket: tuple[Minio, str]
) -> None:
    client, name = bucket
    xml = make_xml(number="DUZA/1")
    client.put_object(name, "ksef/k/1.xml", io.BytesIO(xml), len(xml))
    intake = Intake(settings(**minio_settings()), processes=0)
    present, gone = (
        fetched(
            tenants.company,
            tenants.company_nip,
            None,
            xml_ref=f"s3://{name}/{key}",
            ksef_number=new_ksef("5265877635"),
        )
        for key in ("ksef/k/1.xml", "nie/ma.xml")
    )
    async with pool.acquire() as conn, conn.transaction():
        envelopes = [new_envelope("invoice.fetched", 1, e, producer="t") for e in (present, gone)]
        effects = await intake.many(conn, envelopes)
    assert [e.split()[-1] for e in effects] == ["parsed", "failed"]
    stored = await pool.fetchrow(
        "SELECT i.invoice_number, d.xml FROM invoices i JOIN invoice_documents d"
        " ON d.invoice_id = i.id WHERE i.ksef_number = $1",
        present.ksef_number,
    )
    assert (stored["invoice_number"], stored["xml"]) == ("DUZA/1", xml)
    assert await pool.fetchval(
        "SELECT error_code FROM invoices WHERE ksef_number = $1", gone.ksef_number
    ) == ("xml_missing")


async def test_unreachable_minio_is_a_transient_error_and_writes_nothing(
    pool: asyncpg.Pool, tenants: Tenants
) -> None:
    intake = Intake(settings(**minio_settings("http://127.0.0.1:1")), processes=0)
    event = fetched(tenants.company, tenants.company_nip, None, xml_ref="s3://ksef/a/b.xml")
    envelope = new_envelope("invoice.fetched", 1, event, producer="t")
    with pytest.raises(StorageUnavailable) as raised:
        await process_batch(pool, "invoices", [envelope], intake.many)
    assert isinstance(raised.value, TRANSIENT_ERRORS)
    assert await pool.fetchval("SELECT count(*) FROM invoices") == 0
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 0


async def test_without_minio_settings_a_claim_check_is_kept_as_failed(
    pool: asyncpg.Pool, tenants: Tenants
) -> None:
    intake = Intake(settings(), processes=0)
    event = fetched(tenants.company, tenants.company_nip, None, xml_ref="s3://ksef/a/b.xml")
    async with pool.acquire() as conn, conn.transaction():
        [effect] = await intake.many(
            conn, [new_envelope("invoice.fetched", 1, event, producer="t")]
        )
    assert effect.endswith("failed")
    assert await pool.fetchval("SELECT error_code FROM invoices") == "xml_unavailable"


async def test_a_dead_parser_process_is_transient_and_replaced(
    pool: asyncpg.Pool, tenants: Tenants, intake: Intake
) -> None:
    first = fetched(tenants.company, tenants.company_nip, make_xml(number="P/1"))
    second = fetched(tenants.company, tenants.company_nip, make_xml(number="P/2"))
    envelopes = [new_envelope("invoice.fetched", 1, e, producer="t") for e in (first, second)]
    assert await process_batch(pool, "invoices", envelopes[:1], intake.many) == 1
    [worker] = intake.processes_running()
    os.kill(worker, signal.SIGKILL)
    with pytest.raises(ParserUnavailable) as raised:
        await process_batch(pool, "invoices", envelopes[1:], intake.many)
    assert isinstance(raised.value, TRANSIENT_ERRORS)
    assert await process_batch(pool, "invoices", envelopes[1:], intake.many) == 1
    assert await pool.fetchval("SELECT count(*) FROM invoices") == 2
