"""Visualisation and exports over HTTP: HTML, PDF, XML zip, CSV, Optima, EDI++."""

from __future__ import annotations

import io
import zipfile
from uuid import UUID

import asyncpg
import httpx
import pytest
from invoice_fixtures import Tenants, ingest
from invoice_samples import fetched, make_xml
from lxml import etree  # type: ignore[import-untyped]


@pytest.fixture
async def inv(pool: asyncpg.Pool, tenants: Tenants) -> UUID:
    xml = make_xml(seller=("5265877635", "Żółta Łódź"), buyer=(tenants.company_nip, "Błaszczak"))
    return await ingest(
        pool,
        fetched(
            tenants.company,
            tenants.company_nip,
            xml,
            ksef_number="5265877635-20250715-0100001AF629-AF",
        ),
    )


async def test_html_shows_the_invoice_in_polish_with_qr_code_and_stamp(
    api: httpx.AsyncClient, tenants: Tenants, inv: UUID
) -> None:
    response = await api.get(
        f"/invoices/{inv}/html", params={"stamp": True}, headers=tenants.client()
    )
    assert response.status_code == 200
    page = response.text
    assert "Żółta Łódź" in page
    assert "5265877635-20250715-0100001AF629-AF" in page
    assert "https://qr-test.ksef.mf.gov.pl/invoice/5265877635/15-07-2025/" in page
    assert "ZAKSIĘGOWANO" in page
    assert "data:image/svg+xml" in page


async def test_pdf_renders(api: httpx.AsyncClient, tenants: Tenants, inv: UUID) -> None:
    response = await api.get(f"/invoices/{inv}/pdf", headers=tenants.client())
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


async def test_a_failed_invoice_has_no_visualisation(
    api: httpx.AsyncClient, tenants: Tenants, pool: asyncpg.Pool
) -> None:
    bad = await ingest(pool, fetched(tenants.company, tenants.company_nip, b"<x"))
    response = await api.get(f"/invoices/{bad}/html", headers=tenants.client())
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invoice_not_parsed"


async def export(api: httpx.AsyncClient, tenants: Tenants, inv: UUID, fmt: str) -> httpx.Response:
    response = await api.post(
        "/invoices/export", json={"ids": [str(inv)], "format": fmt}, headers=tenants.office_admin()
    )
    assert response.status_code == 200, response.text
    return response


async def test_exports_carry_the_ksef_number_in_each_format(
    api: httpx.AsyncClient, tenants: Tenants, inv: UUID
) -> None:
    number = "5265877635-20250715-0100001AF629-AF"
    archive = zipfile.ZipFile(io.BytesIO((await export(api, tenants, inv, "xml")).content))
    assert archive.namelist() == [f"{number}.xml"]
    csv = (await export(api, tenants, inv, "csv")).content
    assert csv.startswith("\ufeff".encode())
    assert ";10652,38;" in csv.decode("utf-8-sig")
    optima = etree.fromstring((await export(api, tenants, inv, "optima")).content)
    ns = {"o": "http://www.comarch.pl/cdn/optima/offline"}
    assert optima.findtext(".//o:REJESTR_ZAKUPU_VAT/o:NUMER", namespaces=ns) == "FV/1/2025"
    assert optima.findtext(".//o:ATRYBUT/o:WARTOSC", namespaces=ns) == number
    epp = (await export(api, tenants, inv, "epp")).content
    text = epp.decode("cp1250")
    assert text.startswith("[INFO]\r\n")
    assert f'"{number}"' in text
    assert '"Żółta Łódź"' in text
    assert '"23",23.0000,10652.3800,2450.0500,13102.4300' in text


async def test_visualisation_is_tenant_scoped(
    api: httpx.AsyncClient, tenants: Tenants, inv: UUID
) -> None:
    for path in ("html", "pdf"):
        response = await api.get(f"/invoices/{inv}/{path}", headers=tenants.other_office_admin())
        assert response.status_code == 404
