import base64
import dataclasses
import hashlib
from datetime import timedelta

import httpx
from ksef_client import KsefClient, self_signed
from spec import assert_response

from ksef_simulator import seed
from ksef_simulator.clock import iso
from ksef_simulator.ids import crc8, ksef_number
from ksef_simulator.simulator import Simulator

QUERY = "/v2/invoices/query/metadata"


def _filters(subject: str, since: str, **extra: object) -> dict[str, object]:
    date_range = {"dateType": "PermanentStorage", "from": since, **extra}
    return {"subjectType": subject, "dateRange": date_range}


async def _login(http: httpx.AsyncClient, nip: str) -> KsefClient:
    client = KsefClient(http)
    await client.login_xades(self_signed(nip=nip), nip)
    return client


async def test_seller_pages_through_its_sales_in_storage_order(
    http: httpx.AsyncClient, seeded: Simulator
) -> None:
    seller = seed.companies(seeded.settings.seed, 3)[0]
    client = await _login(http, seller.nip)
    since = iso(seeded.clock.now() - timedelta(days=61))
    first = await http.post(
        QUERY, params={"pageSize": 10}, json=_filters("Subject1", since), headers=client.auth()
    )
    assert_response(first, "/invoices/query/metadata", "post")
    second = await http.post(
        QUERY,
        params={"pageSize": 10, "pageOffset": 1},
        json=_filters("Subject1", since),
        headers=client.auth(),
    )
    body1, body2 = first.json(), second.json()
    assert (body1["hasMore"], body2["hasMore"]) == (True, False)
    rows = body1["invoices"] + body2["invoices"]
    assert len(rows) == 20
    dates = [r["permanentStorageDate"] for r in rows]
    assert dates == sorted(dates)
    assert body1["permanentStorageHwmDate"] == body2["permanentStorageHwmDate"]
    for row in rows:
        assert row["seller"]["nip"] == seller.nip
        assert crc8(row["ksefNumber"][:32]) == row["ksefNumber"][-2:]


async def test_buyer_sees_purchases_as_subject2(http: httpx.AsyncClient, seeded: Simulator) -> None:
    buyer = seed.companies(seeded.settings.seed, 3)[1]
    client = await _login(http, buyer.nip)
    since = iso(seeded.clock.now() - timedelta(days=61))
    resp = await http.post(
        QUERY, params={"pageSize": 250}, json=_filters("Subject2", since), headers=client.auth()
    )
    assert_response(resp, "/invoices/query/metadata", "post")
    rows = resp.json()["invoices"]
    assert rows
    assert all(r["buyer"]["identifier"] == {"type": "Nip", "value": buyer.nip} for r in rows)


async def test_page_size_and_range_rules(http: httpx.AsyncClient, seeded: Simulator) -> None:
    nip = seed.companies(seeded.settings.seed, 3)[0].nip
    client = await _login(http, nip)
    now = seeded.clock.now()
    small = await http.post(
        QUERY, params={"pageSize": 5}, json=_filters("Subject1", iso(now)), headers=client.auth()
    )
    assert_response(small, "/invoices/query/metadata", "post")
    detail = small.json()["exception"]["exceptionDetailList"][0]
    assert detail["exceptionCode"] == 21405
    assert detail["details"] == ["'pageSize' must be between 10 and 250."]
    too_long = _filters("Subject1", iso(now - timedelta(days=100)), to=iso(now))
    resp = await http.post(QUERY, json=too_long, headers=client.auth())
    assert resp.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21405
    ahead = _filters("Subject1", iso(now), restrictToPermanentStorageHwmDate=True)
    resp = await http.post(QUERY, json=ahead, headers=client.auth())
    assert resp.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21183


async def test_fresh_invoice_appears_below_hwm_only_after_the_lag(
    http: httpx.AsyncClient, seeded: Simulator
) -> None:
    nip = seed.companies(seeded.settings.seed, 3)[0].nip
    client = await _login(http, nip)
    now = seeded.clock.now()
    [template] = await seeded.store.query_invoices(_all_sales(seeded, nip), 1)
    fresh = dataclasses.replace(
        template,
        ksef_number=ksef_number(nip, now, "00000000FFFF"),
        invoice_number="FRESH/1",
        permanent_storage_date=now - timedelta(seconds=20),
        visible_at=now - timedelta(seconds=10),
    )
    await seeded.store.add_invoice(fresh)
    since = iso(now - timedelta(minutes=5))

    async def numbers(restrict: bool) -> list[str]:
        body = _filters("Subject1", since, restrictToPermanentStorageHwmDate=restrict)
        resp = await http.post(QUERY, json=body, headers=client.auth())
        return [r["ksefNumber"] for r in resp.json()["invoices"]]

    assert fresh.ksef_number in await numbers(False)
    assert fresh.ksef_number not in await numbers(True)
    seeded.clock.advance(seeded.settings.hwm_lag_seconds)
    assert fresh.ksef_number in await numbers(True)


def _all_sales(sim: Simulator, nip: str):  # type: ignore[no-untyped-def]
    from ksef_simulator.invoice_query import InvoiceQuery

    now = sim.clock.now()
    return InvoiceQuery("Subject1", nip, "Invoicing", now - timedelta(days=90), now, now)


async def test_ten_thousand_cap_sets_is_truncated_on_the_last_reachable_page(
    http: httpx.AsyncClient, seeded: Simulator
) -> None:
    nip = seed.companies(seeded.settings.seed, 3)[2].nip
    [template] = await seeded.store.query_invoices(_all_sales(seeded, nip), 1)
    base = seeded.clock.now() - timedelta(days=30)
    for i in range(10_050):
        stored = base + timedelta(seconds=i)
        await seeded.store.add_invoice(
            dataclasses.replace(
                template,
                ksef_number=ksef_number(nip, stored, f"{i:012X}"),
                invoice_number=f"BULK/{i}",
                permanent_storage_date=stored,
                visible_at=stored,
            )
        )
    client = await _login(http, nip)
    body = _filters("Subject1", iso(base), to=iso(base + timedelta(days=1)))
    pages = {}
    for offset in (38, 39):
        resp = await http.post(
            QUERY,
            params={"pageSize": 250, "pageOffset": offset},
            json=body,
            headers=client.auth(),
        )
        pages[offset] = resp.json()
    assert (pages[38]["hasMore"], pages[38]["isTruncated"]) == (True, False)
    assert (pages[39]["hasMore"], pages[39]["isTruncated"]) == (True, True)
    assert pages[39]["invoices"][-1]["invoiceNumber"] == "BULK/9999"


async def test_single_download_returns_xml_with_hash(
    http: httpx.AsyncClient, seeded: Simulator
) -> None:
    nip = seed.companies(seeded.settings.seed, 3)[0].nip
    client = await _login(http, nip)
    [inv] = await seeded.store.query_invoices(_all_sales(seeded, nip), 1)
    resp = await http.get(f"/v2/invoices/ksef/{inv.ksef_number}", headers=client.auth())
    assert_response(resp, "/invoices/ksef/{ksefNumber}")
    assert resp.content == inv.xml
    digest = base64.b64encode(hashlib.sha256(resp.content).digest()).decode()
    assert resp.headers["x-ms-meta-hash"] == digest
    stranger = await _login(http, "7010002137")
    hidden = await http.get(f"/v2/invoices/ksef/{inv.ksef_number}", headers=stranger.auth())
    assert hidden.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21164
