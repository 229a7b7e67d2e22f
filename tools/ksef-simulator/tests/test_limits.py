"""`/limits/*` and the TEST overrides `/testdata/limits/*`: per context or subject, in effect."""

import httpx
from ksef_client import KsefClient, invoice_request, self_signed
from spec import assert_response
from test_online_session import _open, _send, sample_invoice

from ksef_simulator.simulator import Simulator

SELLER, OTHER = "5265877635", "7010002137"
DEFAULTS = {"maxInvoiceSizeInMB": 1, "maxInvoiceWithAttachmentSizeInMB": 3, "maxInvoices": 10000}
SESSION = "/testdata/limits/context/session"
CERTIFICATE = "/testdata/limits/subject/certificate"


async def _login(http: httpx.AsyncClient, nip: str) -> KsefClient:
    client = KsefClient(http)
    await client.login_xades(self_signed(nip=nip), nip)
    return client


async def test_session_limits_change_for_the_context_only_and_reset(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    seller, other = await _login(http, SELLER), await _login(http, OTHER)
    small = {"maxInvoiceSizeInMB": 0, "maxInvoiceWithAttachmentSizeInMB": 3, "maxInvoices": 1}
    body = {"onlineSession": small, "batchSession": DEFAULTS}
    changed = await http.post(f"/v2{SESSION}", json=body, headers=seller.auth())
    assert_response(changed, SESSION, "post")
    limits = await http.get("/v2/limits/context", headers=seller.auth())
    assert_response(limits, "/limits/context")
    assert limits.json() == {"onlineSession": small, "batchSession": DEFAULTS}
    untouched = await http.get("/v2/limits/context", headers=other.auth())
    assert untouched.json() == {"onlineSession": DEFAULTS, "batchSession": DEFAULTS}

    ref, key, iv = await _open(seller)
    day = sim.clock.now().date().isoformat()
    too_big = await _send(seller, ref, key, iv, sample_invoice("LIM/1", day))
    assert too_big["status"]["code"] == 430  # 0 MB allowed

    reset = await http.delete(f"/v2{SESSION}", headers=seller.auth())
    assert_response(reset, SESSION, "delete")
    limits = await http.get("/v2/limits/context", headers=seller.auth())
    assert limits.json() == {"onlineSession": DEFAULTS, "batchSession": DEFAULTS}


async def test_session_invoice_count_limit_gives_21155(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    seller = await _login(http, SELLER)
    one = {"maxInvoiceSizeInMB": 1, "maxInvoiceWithAttachmentSizeInMB": 3, "maxInvoices": 1}
    await http.post(
        f"/v2{SESSION}", json={"onlineSession": one, "batchSession": one}, headers=seller.auth()
    )
    ref, key, iv = await _open(seller)
    day = sim.clock.now().date().isoformat()
    assert (await _send(seller, ref, key, iv, sample_invoice("LIM/2", day)))["status"][
        "code"
    ] == 200
    refused = await http.post(
        f"/v2/sessions/online/{ref}/invoices",
        json=invoice_request(key, iv, sample_invoice("LIM/3", day)),
        headers=seller.auth(),
    )
    assert refused.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21155


async def test_certificate_limits_are_per_subject_and_reset(http: httpx.AsyncClient) -> None:
    seller, other = await _login(http, SELLER), await _login(http, OTHER)
    body = {"subjectIdentifierType": "Nip", "certificate": {"maxCertificates": 0}}
    changed = await http.post(f"/v2{CERTIFICATE}", json=body, headers=seller.auth())
    assert_response(changed, CERTIFICATE, "post")
    limits = await http.get("/v2/limits/subject", headers=seller.auth())
    assert_response(limits, "/limits/subject")
    assert limits.json() == {
        "enrollment": {"maxEnrollments": 300},
        "certificate": {"maxCertificates": 0},
    }
    quota = await http.get("/v2/certificates/limits", headers=seller.auth())
    assert quota.json()["canRequest"] is False
    theirs = await http.get("/v2/limits/subject", headers=other.auth())
    assert theirs.json()["certificate"] == {"maxCertificates": 100}
    reset = await http.delete(f"/v2{CERTIFICATE}", headers=seller.auth())
    assert_response(reset, CERTIFICATE, "delete")
    limits = await http.get("/v2/limits/subject", headers=seller.auth())
    assert limits.json()["certificate"] == {"maxCertificates": 100}


async def test_limit_overrides_need_a_token_and_valid_values(http: httpx.AsyncClient) -> None:
    anonymous = await http.delete(f"/v2{SESSION}")
    assert_response(anonymous, SESSION, "delete")
    assert anonymous.status_code == 401
    seller = await _login(http, SELLER)
    bad = {"onlineSession": {**DEFAULTS, "maxInvoices": -1}, "batchSession": DEFAULTS}
    refused = await http.post(f"/v2{SESSION}", json=bad, headers=seller.auth())
    assert_response(refused, SESSION, "post")
    assert refused.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21405
