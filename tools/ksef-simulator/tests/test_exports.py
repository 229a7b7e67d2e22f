import base64
import hashlib
import io
import json
import tarfile
import zipfile
from datetime import timedelta
from typing import Any

import httpx
import pytest
from ksef_client import KsefClient, aes_decrypt, self_signed
from spec import assert_response

from ksef_simulator import exports, seed
from ksef_simulator.clock import iso
from ksef_simulator.simulator import Simulator

EXPORTS = "/v2/invoices/exports"
STATUS = "/invoices/exports/{referenceNumber}"


def _sha(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _filters(subject: str, since: str, **extra: object) -> dict[str, object]:
    return {
        "subjectType": subject,
        "dateRange": {"dateType": "PermanentStorage", "from": since, **extra},
    }


async def _login(http: httpx.AsyncClient, nip: str) -> KsefClient:
    client = KsefClient(http)
    await client.login_xades(self_signed(nip=nip), nip)
    return client


async def _start(
    client: KsefClient, filters: dict[str, object], **extra: object
) -> tuple[bytes, bytes, httpx.Response]:
    key, iv, encryption = await client.encryption()
    body = {"encryption": encryption, "filters": filters, **extra}
    resp = await client.http.post(EXPORTS, json=body, headers=client.auth())
    assert_response(resp, "/invoices/exports", "post")
    return key, iv, resp


async def _status(client: KsefClient, ref: str) -> httpx.Response:
    resp = await client.http.get(f"{EXPORTS}/{ref}", headers=client.auth())
    assert_response(resp, STATUS)
    return resp


async def _ready(client: KsefClient, sim: Simulator, ref: str) -> dict[str, Any]:
    sim.clock.advance(sim.settings.export_processing_seconds + 0.1)
    body: dict[str, Any] = (await _status(client, ref)).json()
    return body


async def _download(
    http: httpx.AsyncClient, key: bytes, iv: bytes, package: dict[str, Any]
) -> bytes:
    """Fetch every part without a token, check both hashes, decrypt and concatenate."""
    archive = b""
    for part in sorted(package["parts"], key=lambda p: p["ordinalNumber"]):
        resp = await http.get(part["url"])
        assert resp.status_code == 200
        assert "authorization" not in resp.request.headers
        assert resp.headers["x-ms-meta-hash"] == part["encryptedPartHash"]
        assert (len(resp.content), _sha(resp.content)) == (
            part["encryptedPartSize"],
            part["encryptedPartHash"],
        )
        plain = aes_decrypt(key, iv, resp.content)
        assert (len(plain), _sha(plain)) == (part["partSize"], part["partHash"])
        archive += plain
    assert len(archive) == package["size"]
    return archive


def _unzip(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


async def test_export_round_trip_with_split_encrypted_parts(
    http: httpx.AsyncClient, seeded: Simulator
) -> None:
    seller = seed.companies(seeded.settings.seed, 3)[0]
    client = await _login(http, seller.nip)
    seeded.settings.export_part_size_bytes = 4096
    since = iso(seeded.clock.now() - timedelta(days=61))
    filters = _filters("Subject1", since, restrictToPermanentStorageHwmDate=True)
    key, iv, started = await _start(client, filters)
    assert started.status_code == 201
    ref = started.json()["referenceNumber"]
    pending = (await _status(client, ref)).json()
    assert pending["status"]["code"] == 100
    status = await _ready(client, seeded, ref)
    assert status["status"]["code"] == 200
    package = status["package"]
    assert len(package["parts"]) > 1
    assert package["parts"][0]["partName"] == f"{ref}-001.zip.aes"
    assert package["isTruncated"] is False
    assert "lastPermanentStorageDate" not in package
    assert package["permanentStorageHwmDate"] <= iso(seeded.clock.now())
    files = _unzip(await _download(http, key, iv, package))
    metadata = json.loads(files.pop("_metadata.json"))["invoices"]
    assert package["invoiceCount"] == len(metadata) == len(files) == 20
    dates = [m["permanentStorageDate"] for m in metadata]
    assert dates == sorted(dates)
    for row in metadata:
        xml = files[f"{row['ksefNumber']}.xml"]
        assert _sha(xml) == row["invoiceHash"]
        assert row["seller"]["nip"] == seller.nip
        stored = await seeded.store.get_invoice(row["ksefNumber"])
        assert stored is not None
        assert stored.xml == xml


async def test_only_metadata_as_tar_gz(http: httpx.AsyncClient, seeded: Simulator) -> None:
    buyer = seed.companies(seeded.settings.seed, 3)[1]
    client = await _login(http, buyer.nip)
    since = iso(seeded.clock.now() - timedelta(days=61))
    key, iv, started = await _start(
        client, _filters("Subject2", since), onlyMetadata=True, compressionType="TarGz"
    )
    status = await _ready(client, seeded, started.json()["referenceNumber"])
    package = status["package"]
    assert package["parts"][0]["partName"].endswith(".tar.gz.aes")
    archive = await _download(http, key, iv, package)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        assert tar.getnames() == ["_metadata.json"]
        member = tar.extractfile("_metadata.json")
        assert member is not None
        rows = json.loads(member.read())["invoices"]
    assert rows
    assert len(rows) == package["invoiceCount"]
    assert all(r["buyer"]["identifier"]["value"] == buyer.nip for r in rows)


async def test_truncated_export_continues_from_last_permanent_storage_date(
    http: httpx.AsyncClient, seeded: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "MAX_INVOICES", 7)
    nip = seed.companies(seeded.settings.seed, 3)[0].nip
    client = await _login(http, nip)
    checkpoint = iso(seeded.clock.now() - timedelta(days=61))
    seen: dict[str, dict[str, Any]] = {}
    for _ in range(5):
        filters = _filters("Subject1", checkpoint, restrictToPermanentStorageHwmDate=True)
        key, iv, started = await _start(client, filters)
        package = (await _ready(client, seeded, started.json()["referenceNumber"]))["package"]
        rows = json.loads(_unzip(await _download(http, key, iv, package))["_metadata.json"])
        seen.update({r["ksefNumber"]: r for r in rows["invoices"]})
        if not package["isTruncated"]:
            assert "lastPermanentStorageDate" not in package
            break
        assert package["invoiceCount"] == 7
        assert package["lastPermanentStorageDate"] == rows["invoices"][-1]["permanentStorageDate"]
        checkpoint = package["lastPermanentStorageDate"]
    else:
        pytest.fail("the export never stopped being truncated")
    assert len(seen) == 20


async def test_export_failure_statuses_and_errors(
    http: httpx.AsyncClient, seeded: Simulator
) -> None:
    nip = seed.companies(seeded.settings.seed, 3)[0].nip
    client = await _login(http, nip)
    now = seeded.clock.now()
    ahead = _filters("Subject1", iso(now), restrictToPermanentStorageHwmDate=True)
    _, _, started = await _start(client, ahead)
    status = await _ready(client, seeded, started.json()["referenceNumber"])
    assert status["status"]["code"] == 420
    assert "package" not in status

    _, _, encryption = await client.encryption()
    bad_key = {**encryption, "encryptedSymmetricKey": base64.b64encode(b"x" * 256).decode()}
    body = {"encryption": bad_key, "filters": _filters("Subject1", iso(now - timedelta(days=1)))}
    resp = await http.post(EXPORTS, json=body, headers=client.auth())
    assert resp.status_code == 201
    status = await _ready(client, seeded, resp.json()["referenceNumber"])
    assert status["status"]["code"] == 415

    unknown = {**encryption, "publicKeyId": base64.b64encode(b"k" * 32).decode()}
    resp = await http.post(EXPORTS, json={**body, "encryption": unknown}, headers=client.auth())
    assert_response(resp, "/invoices/exports", "post")
    assert resp.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21470

    missing = await http.get(
        f"{EXPORTS}/20250101-EH-0000000000-0000000000-00", headers=client.auth()
    )
    assert_response(missing, STATUS)
    assert missing.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21175


async def test_package_and_status_expire(http: httpx.AsyncClient, seeded: Simulator) -> None:
    nip = seed.companies(seeded.settings.seed, 3)[0].nip
    client = await _login(http, nip)
    since = iso(seeded.clock.now() - timedelta(days=61))
    _, _, started = await _start(client, _filters("Subject1", since))
    ref = started.json()["referenceNumber"]
    package = (await _ready(client, seeded, ref))["package"]
    seeded.clock.advance(exports.LINK_TTL.total_seconds() + 1)
    stale = await http.get(package["parts"][0]["url"])
    assert stale.status_code == 401
    seeded.clock.advance(exports.PACKAGE_TTL.total_seconds())
    await client.login_xades(self_signed(nip=nip), nip)
    expired = (await _status(client, ref)).json()
    assert expired["status"]["code"] == 210
    assert "package" not in expired
    seeded.clock.advance(exports.STATUS_RETENTION.total_seconds())
    await client.login_xades(self_signed(nip=nip), nip)
    gone = await client.http.get(f"{EXPORTS}/{ref}", headers=client.auth())
    assert_response(gone, STATUS)
    assert gone.status_code == 410


async def test_ten_running_exports_per_context_and_rate_limits(
    http: httpx.AsyncClient, seeded: Simulator
) -> None:
    nip = seed.companies(seeded.settings.seed, 3)[0].nip
    client = await _login(http, nip)
    seeded.settings.export_processing_seconds = 10_000
    filters = _filters("Subject1", iso(seeded.clock.now() - timedelta(days=30)))
    refs = []
    for _ in range(10):
        _, _, resp = await _start(client, filters)
        refs.append(resp.json()["referenceNumber"])
        seeded.clock.advance(1.1)  # stay under 8 req/s
    _, _, eleventh = await _start(client, filters)
    detail = eleventh.json()["exception"]["exceptionDetailList"][0]
    assert detail["exceptionCode"] == 21182
    # The status endpoint has its own, larger budget (10/s), independent of the export group.
    codes = [(await _status(client, ref)).status_code for ref in refs]
    assert codes == [200] * 10
    seeded.clock.advance(10_000)  # the running exports finish
    seeded.settings.export_processing_seconds = 0
    await client.login_xades(self_signed(nip=nip), nip)
    statuses = []
    for _ in range(9):
        _, _, resp = await _start(client, filters)
        statuses.append(resp.status_code)
    assert statuses[:8] == [201] * 8
    assert statuses[8] == 429
    assert int(resp.headers["Retry-After"]) >= 1
