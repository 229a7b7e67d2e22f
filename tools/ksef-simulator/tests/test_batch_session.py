import io
import tarfile
import zipfile
from typing import Any

import httpx
from ksef_client import FA3_FORM, KsefClient, aes_encrypt, self_signed, sha256_b64
from spec import assert_response
from test_online_session import BUYER, SELLER, sample_invoice

from ksef_simulator.simulator import Simulator


def zip_archive(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def targz_archive(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


async def open_batch(
    client: KsefClient, archive: bytes, parts: int = 1, compression: str | None = None
) -> tuple[httpx.Response, list[bytes]]:
    """Split the archive binarily, encrypt each part with one key and IV, open the session."""
    key, iv, encryption = await client.encryption()
    size = -(-len(archive) // parts)
    encrypted = [aes_encrypt(key, iv, archive[i : i + size]) for i in range(0, len(archive), size)]
    batch_file: dict[str, Any] = {
        "fileSize": len(archive),
        "fileHash": sha256_b64(archive),
        "fileParts": [
            {"ordinalNumber": n, "fileSize": len(p), "fileHash": sha256_b64(p)}
            for n, p in enumerate(encrypted, start=1)
        ],
    }
    if compression:
        batch_file["compressionType"] = compression
    body = {"formCode": FA3_FORM, "batchFile": batch_file, "encryption": encryption}
    resp = await client.http.post("/v2/sessions/batch", json=body, headers=client.auth())
    return resp, encrypted


async def upload(http: httpx.AsyncClient, opened: httpx.Response, parts: list[bytes]) -> None:
    for request, part in zip(opened.json()["partUploadRequests"], parts, strict=True):
        # Pre-signed: the URL and its headers only, never the access token.
        resp = await http.request(
            request["method"], request["url"], content=part, headers=request["headers"]
        )
        assert resp.status_code == 201, resp.text


def code(resp: httpx.Response) -> int:
    return int(resp.json()["exception"]["exceptionDetailList"][0]["exceptionCode"])


async def test_batch_of_two_parts_is_processed_per_invoice_with_upos(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    seller = KsefClient(http)
    await seller.login_xades(self_signed(nip=SELLER), SELLER)
    day = sim.clock.now().date().isoformat()
    broken = sample_invoice("Z3", day).replace(b"<P_15>", b"<P_15X>", 1)
    files = {
        "a.xml": sample_invoice("Z1", day),
        "b.xml": sample_invoice("Z2", day),
        "c.xml": broken,
    }
    opened, parts = await open_batch(seller, zip_archive(files), parts=2)
    assert_response(opened, "/sessions/batch", "post")
    assert [r["ordinalNumber"] for r in opened.json()["partUploadRequests"]] == [1, 2]
    assert opened.json()["partUploadRequests"][0]["url"].startswith("http://ksef.test/storage/")
    ref = opened.json()["referenceNumber"]
    await upload(http, opened, parts)

    close = await http.post(f"/v2/sessions/batch/{ref}/close", headers=seller.auth())
    assert_response(close, "/sessions/batch/{referenceNumber}/close", "post")
    # Processing is asynchronous: 150 until the simulated processing time has passed.
    processing = await http.get(f"/v2/sessions/{ref}", headers=seller.auth())
    assert_response(processing, "/sessions/{referenceNumber}")
    assert processing.json()["status"] == {"code": 150, "description": "Trwa przetwarzanie"}
    assert processing.json()["invoiceCount"] == 0
    sim.clock.advance(sim.settings.batch_processing_seconds)
    status = await http.get(f"/v2/sessions/{ref}", headers=seller.auth())
    assert_response(status, "/sessions/{referenceNumber}")
    body = status.json()
    assert body["status"]["code"] == 200
    assert (body["invoiceCount"], body["successfulInvoiceCount"], body["failedInvoiceCount"]) == (
        3, 2, 1,
    )  # fmt: skip

    listed = await http.get(f"/v2/sessions/{ref}/invoices", headers=seller.auth())
    assert_response(listed, "/sessions/{referenceNumber}/invoices")
    by_file = {i["invoiceFileName"]: i for i in listed.json()["invoices"]}
    assert [by_file[n]["status"]["code"] for n in ("a.xml", "b.xml", "c.xml")] == [200, 200, 430]
    failed = await http.get(f"/v2/sessions/{ref}/invoices/failed", headers=seller.auth())
    assert_response(failed, "/sessions/{referenceNumber}/invoices/failed")
    assert [i["invoiceFileName"] for i in failed.json()["invoices"]] == ["c.xml"]

    ksef_number = by_file["a.xml"]["ksefNumber"]
    upo = await http.get(
        f"/v2/sessions/{ref}/invoices/ksef/{ksef_number}/upo", headers=seller.auth()
    )
    assert_response(upo, "/sessions/{referenceNumber}/invoices/ksef/{ksefNumber}/upo")
    assert ksef_number.encode() in upo.content
    page = body["upo"]["pages"][0]
    collective = await http.get(page["downloadUrl"])  # pre-signed, no token
    assert by_file["b.xml"]["ksefNumber"].encode() in collective.content


async def test_targz_package_is_accepted(http: httpx.AsyncClient, sim: Simulator) -> None:
    seller = KsefClient(http)
    await seller.login_xades(self_signed(nip=SELLER), SELLER)
    day = sim.clock.now().date().isoformat()
    archive = targz_archive({"t1.xml": sample_invoice("T1", day)})
    opened, parts = await open_batch(seller, archive, compression="TarGz")
    await upload(http, opened, parts)
    ref = opened.json()["referenceNumber"]
    await http.post(f"/v2/sessions/batch/{ref}/close", headers=seller.auth())
    sim.clock.advance(sim.settings.batch_processing_seconds)
    status = await http.get(f"/v2/sessions/{ref}", headers=seller.auth())
    assert (status.json()["status"]["code"], status.json()["successfulInvoiceCount"]) == (200, 1)


async def test_close_without_every_part_is_refused(http: httpx.AsyncClient, sim: Simulator) -> None:
    seller = KsefClient(http)
    await seller.login_xades(self_signed(nip=SELLER), SELLER)
    archive = zip_archive({"a.xml": sample_invoice("M1", sim.clock.now().date().isoformat())})
    opened, _ = await open_batch(seller, archive)
    ref = opened.json()["referenceNumber"]
    close = await http.post(f"/v2/sessions/batch/{ref}/close", headers=seller.auth())
    assert_response(close, "/sessions/batch/{referenceNumber}/close", "post")
    assert code(close) == 21205


async def test_part_upload_checks_content_and_expiry(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    seller = KsefClient(http)
    await seller.login_xades(self_signed(nip=SELLER), SELLER)
    archive = zip_archive({"a.xml": sample_invoice("E1", sim.clock.now().date().isoformat())})
    opened, parts = await open_batch(seller, archive)
    url = opened.json()["partUploadRequests"][0]["url"]
    assert (await http.put(url, content=parts[0][:-16])).status_code == 400
    forged = await http.put(url.replace("/1?", "/2?"), content=parts[0])
    assert forged.status_code == 403
    sim.clock.advance(21 * 60)  # one part: 20 minutes to upload
    expired = await http.put(url, content=parts[0])
    assert expired.status_code == 403
    ref = opened.json()["referenceNumber"]
    await seller.login_xades(self_signed(nip=SELLER), SELLER)  # the access token expired too
    close = await http.post(f"/v2/sessions/batch/{ref}/close", headers=seller.auth())
    assert code(close) == 21208
    status = await http.get(f"/v2/sessions/{ref}", headers=seller.auth())
    assert status.json()["status"]["code"] == 440


async def test_open_validates_parts_and_key(http: httpx.AsyncClient, sim: Simulator) -> None:
    seller = KsefClient(http)
    await seller.login_xades(self_signed(nip=SELLER), SELLER)
    archive = zip_archive({"a.xml": b"<x/>"})
    too_many, _ = await open_batch(seller, archive * 60, parts=51)
    assert_response(too_many, "/sessions/batch", "post")
    assert code(too_many) == 21161
    _, _, encryption = await seller.encryption()
    encryption["publicKeyId"] = "A" * 43 + "="
    body = {
        "formCode": FA3_FORM,
        "encryption": encryption,
        "batchFile": {"fileSize": 1, "fileHash": "A" * 43 + "=", "fileParts": [
            {"ordinalNumber": 1, "fileSize": 16, "fileHash": "A" * 43 + "="}]},
    }  # fmt: skip
    unknown_key = await http.post("/v2/sessions/batch", json=body, headers=seller.auth())
    assert code(unknown_key) == 21470


async def test_batch_needs_invoice_write_and_stays_in_its_context(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    seller, other = KsefClient(http), KsefClient(http)
    await seller.login_xades(self_signed(nip=SELLER), SELLER)
    await other.login_xades(self_signed(nip=BUYER), BUYER)
    archive = zip_archive({"a.xml": sample_invoice("C1", sim.clock.now().date().isoformat())})
    opened, parts = await open_batch(seller, archive)
    await upload(http, opened, parts)
    ref = opened.json()["referenceNumber"]
    foreign = await http.post(f"/v2/sessions/batch/{ref}/close", headers=other.auth())
    assert code(foreign) == 21173
    listed = await http.get(f"/v2/sessions/{ref}/invoices", headers=other.auth())
    assert code(listed) == 21173
    anonymous = await http.post(f"/v2/sessions/batch/{ref}/close")
    assert anonymous.status_code == 401


async def process_batch(
    client: KsefClient, sim: Simulator, files: dict[str, bytes]
) -> dict[str, Any]:
    """Open, upload, close and let the package be processed; returns the session status."""
    opened, parts = await open_batch(client, zip_archive(files))
    await upload(client.http, opened, parts)
    ref = opened.json()["referenceNumber"]
    await client.http.post(f"/v2/sessions/batch/{ref}/close", headers=client.auth())
    sim.clock.advance(sim.settings.batch_processing_seconds)
    status = await client.http.get(f"/v2/sessions/{ref}", headers=client.auth())
    listed = await client.http.get(f"/v2/sessions/{ref}/invoices", headers=client.auth())
    return {**status.json(), "invoices": listed.json()["invoices"]}


async def test_processing_finishes_when_the_session_is_listed_too(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    seller = KsefClient(http)
    await seller.login_xades(self_signed(nip=SELLER), SELLER)
    archive = zip_archive({"a.xml": sample_invoice("L1", sim.clock.now().date().isoformat())})
    opened, parts = await open_batch(seller, archive)
    await upload(http, opened, parts)
    ref = opened.json()["referenceNumber"]
    await http.post(f"/v2/sessions/batch/{ref}/close", headers=seller.auth())
    params = {"sessionType": "Batch", "statuses": "InProgress"}
    in_progress = await http.get("/v2/sessions", params=params, headers=seller.auth())
    assert [s["status"]["code"] for s in in_progress.json()["sessions"]] == [150]
    late_upload = opened.json()["partUploadRequests"][0]["url"]
    assert (await http.put(late_upload, content=parts[0])).status_code == 403
    sim.clock.advance(sim.settings.batch_processing_seconds)
    params["statuses"] = "Succeeded"
    done = await http.get("/v2/sessions", params=params, headers=seller.auth())
    assert [s["referenceNumber"] for s in done.json()["sessions"]] == [ref]
