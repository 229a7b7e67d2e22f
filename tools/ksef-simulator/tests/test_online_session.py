from datetime import timedelta
from pathlib import Path

import httpx
from ksef_client import FA3_FORM, KsefClient, invoice_request, self_signed
from lxml import etree
from spec import assert_response

from ksef_simulator import xmlutil
from ksef_simulator.clock import iso
from ksef_simulator.simulator import Simulator

SELLER, BUYER = "5265877635", "7010002137"
SAMPLE = Path(__file__).resolve().parents[3].parent / "shared/ksef/samples/fa3"


def sample_invoice(number: str, day: str) -> bytes:
    raw = (SAMPLE / "ksef-client-java__invoice-template_v3.xml").read_bytes()
    raw = raw.replace(b"#nip#", SELLER.encode()).replace(b"#invoice_number#", number.encode())
    return raw.replace(b"#invoicing_date#", day.encode()).replace(b"3861610227", BUYER.encode())


async def _open(client: KsefClient) -> tuple[str, bytes, bytes]:
    key, iv, encryption = await client.encryption()
    body = {"formCode": FA3_FORM, "encryption": encryption}
    resp = await client.http.post("/v2/sessions/online", json=body, headers=client.auth())
    assert_response(resp, "/sessions/online", "post")
    return resp.json()["referenceNumber"], key, iv


async def _send(client: KsefClient, ref: str, key: bytes, iv: bytes, xml: bytes) -> dict:  # type: ignore[type-arg]
    sent = await client.http.post(
        f"/v2/sessions/online/{ref}/invoices",
        json=invoice_request(key, iv, xml),
        headers=client.auth(),
    )
    assert_response(sent, "/sessions/online/{referenceNumber}/invoices", "post")
    status = await client.http.get(
        f"/v2/sessions/{ref}/invoices/{sent.json()['referenceNumber']}", headers=client.auth()
    )
    assert_response(status, "/sessions/{referenceNumber}/invoices/{invoiceReferenceNumber}")
    return dict(status.json())


async def test_send_invoice_get_upo_and_find_it_as_buyer(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    sim.settings.environment = "PRD"  # PRD receiver name, so the UPO must pass its XSD
    seller = KsefClient(http)
    await seller.login_xades(self_signed(nip=SELLER), SELLER)
    ref, key, iv = await _open(seller)
    today = sim.clock.now().date().isoformat()
    status = await _send(seller, ref, key, iv, sample_invoice("A1", today))
    assert status["status"]["code"] == 200
    assert status["ksefNumber"].startswith(f"{SELLER}-")
    assert status["invoicingMode"] == "Online"
    upo = await http.get(status["upoDownloadUrl"])  # pre-signed: no bearer token
    assert xmlutil.schema_errors(xmlutil.upo_schema(), etree.fromstring(upo.content)) == []
    assert status["ksefNumber"].encode() in upo.content

    duplicate = await _send(seller, ref, key, iv, sample_invoice("A1", today))
    assert duplicate["status"]["code"] == 440
    assert duplicate["status"]["extensions"]["originalKsefNumber"] == status["ksefNumber"]

    close = await http.post(f"/v2/sessions/online/{ref}/close", headers=seller.auth())
    assert_response(close, "/sessions/online/{referenceNumber}/close", "post")
    session = await http.get(f"/v2/sessions/{ref}", headers=seller.auth())
    assert_response(session, "/sessions/{referenceNumber}")
    assert session.json()["status"]["code"] == 200
    assert (session.json()["successfulInvoiceCount"], session.json()["failedInvoiceCount"]) == (
        1,
        1,
    )

    sim.clock.advance(30)
    buyer = KsefClient(http)
    await buyer.login_xades(self_signed(nip=BUYER), BUYER)
    since = iso(sim.clock.now() - timedelta(hours=1))
    query = {
        "subjectType": "Subject2",
        "dateRange": {"dateType": "PermanentStorage", "from": since},
    }
    found = await http.post("/v2/invoices/query/metadata", json=query, headers=buyer.auth())
    assert [i["ksefNumber"] for i in found.json()["invoices"]] == [status["ksefNumber"]]


async def test_invalid_documents_get_official_status_codes(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    seller = KsefClient(http)
    await seller.login_xades(self_signed(nip=SELLER), SELLER)
    ref, key, iv = await _open(seller)
    today = sim.clock.now().date()
    broken = sample_invoice("B1", today.isoformat()).replace(b"<P_15>", b"<P_15X>", 1)
    assert (await _send(seller, ref, key, iv, broken))["status"]["code"] == 430
    yesterday = (today - timedelta(days=1)).isoformat()
    late = await _send(seller, ref, key, iv, sample_invoice("B2", yesterday))
    assert (late["status"]["code"], late["invoicingMode"]) == (200, "Offline")
    body = invoice_request(key, iv, sample_invoice("B3", today.isoformat()))
    body["encryptedInvoiceSize"] += 1
    wrong = await http.post(f"/v2/sessions/online/{ref}/invoices", json=body, headers=seller.auth())
    assert wrong.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21402


async def test_official_samples_are_accepted(http: httpx.AsyncClient, sim: Simulator) -> None:
    seller = KsefClient(http)
    await seller.login_xades(self_signed(nip=SELLER), SELLER)
    ref, key, iv = await _open(seller)
    day = sim.clock.now().date().isoformat()
    names = [
        "ksef-client-csharp__invoice-template-fa-3.xml",
        "ksef-client-java__invoice-template-fa-3-with-custom-subject_2.xml",
    ]
    for index, name in enumerate(names):
        raw = (SAMPLE / name).read_bytes().replace(b"#nip#", SELLER.encode())
        raw = raw.replace(b"#subject2nip#", BUYER.encode()).replace(
            b"#invoicing_date#", day.encode()
        )
        raw = raw.replace(b"#invoice_number#", f"S{index}".encode())
        result = await _send(seller, ref, key, iv, raw)
        assert result["status"]["code"] == 200, result
