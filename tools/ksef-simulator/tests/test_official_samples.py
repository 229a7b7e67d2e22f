"""Every official FA(3) sample is accepted; broken variants get the codes KSeF uses."""

import httpx
import pytest
from ksef_client import KsefClient, invoice_request, self_signed
from lxml import etree
from test_batch_session import code, open_batch, upload, zip_archive
from test_online_session import SAMPLE, _open, _send

from ksef_simulator import fa3
from ksef_simulator.simulator import Simulator

SELLER, BUYER = "5265877635", "7010002137"
SAMPLES = sorted(p.name for p in SAMPLE.glob("*.xml"))


def filled(name: str, day: str) -> bytes:
    raw = (SAMPLE / name).read_bytes()
    for placeholder, value in {
        b"#nip#": SELLER, b"#subject2nip#": BUYER, b"#nipOdbiorca#": BUYER,
        b"#selfInvocingNip#": BUYER, b"#idWewnetrzne#": f"{BUYER}-00001", b"#invoicing_date#": day,
        b"#invoice_number#": f"OS/{name[:20]}",
    }.items():  # fmt: skip
        raw = raw.replace(placeholder, value.encode())
    return raw


@pytest.mark.parametrize("name", SAMPLES)
async def test_official_sample_is_accepted(
    http: httpx.AsyncClient, sim: Simulator, name: str
) -> None:
    xml = filled(name, sim.clock.now().date().isoformat())
    facts = fa3.read_facts(etree.fromstring(xml))
    seller = KsefClient(http)
    await seller.login_xades(self_signed(nip=facts.seller_nip), facts.seller_nip)
    if facts.has_attachment:
        # Attachments travel only in batch sessions, once enabled (notes §5).
        await http.post("/v2/testdata/attachment", json={"nip": facts.seller_nip})
        opened, parts = await open_batch(seller, zip_archive({name: xml}))
        await upload(http, opened, parts)
        ref = opened.json()["referenceNumber"]
        await http.post(f"/v2/sessions/batch/{ref}/close", headers=seller.auth())
        sim.clock.advance(sim.settings.batch_processing_seconds)
        listed = await http.get(f"/v2/sessions/{ref}/invoices", headers=seller.auth())
        [status] = listed.json()["invoices"]
    else:
        ref, key, iv = await _open(seller)
        status = await _send(seller, ref, key, iv, xml)
    assert status["status"]["code"] == 200, status
    assert status["ksefNumber"].startswith(facts.seller_nip)


async def test_broken_invoices_are_refused_with_official_codes(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    day = sim.clock.now().date().isoformat()
    name = "ksef-client-java__invoice-template_v3.xml"
    seller = KsefClient(http)
    await seller.login_xades(self_signed(nip=SELLER), SELLER)
    ref, key, iv = await _open(seller)
    bad_xsd = filled(name, day).replace(b"<P_2>", b"<P_2X>", 1)
    assert (await _send(seller, ref, key, iv, bad_xsd))["status"]["code"] == 430
    not_xml = b"<Faktura><unclosed></Faktura>"
    assert (await _send(seller, ref, key, iv, not_xml))["status"]["code"] == 430
    bom = b"\xef\xbb\xbf" + filled(name, day)
    assert (await _send(seller, ref, key, iv, bom))["status"]["code"] == 430
    other_seller = filled(name, day).replace(SELLER.encode(), BUYER.encode(), 1)
    assert (await _send(seller, ref, key, iv, other_seller))["status"]["code"] == 410

    url = f"/v2/sessions/online/{ref}/invoices"
    body = invoice_request(key, iv, filled(name, day))
    body["invoiceHash"] = body["encryptedInvoiceHash"]
    assert code(await http.post(url, json=body, headers=seller.auth())) == 21403
    body = invoice_request(key, iv, filled(name, day))
    body["encryptedInvoiceSize"] += 16
    assert code(await http.post(url, json=body, headers=seller.auth())) == 21402
    body["encryptedInvoiceHash"] = "short"
    problem = await http.post(
        url, json=body, headers={**seller.auth(), "Accept": "application/problem+json"}
    )
    assert problem.headers["content-type"].startswith("application/problem+json")
    assert problem.json()["errors"][0]["code"] == 21405
