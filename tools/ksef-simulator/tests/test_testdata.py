import httpx
from ksef_client import Identity, KsefClient, self_signed
from spec import assert_response
from test_batch_session import process_batch
from test_official_samples import filled

from ksef_simulator.domain import Ident
from ksef_simulator.simulator import Simulator

CLIENT_NIP, OFFICE_NIP = "5265877635", "1111111111"


async def _auth_status(
    http: httpx.AsyncClient, nip: str, context: str, identity: Identity | None = None
) -> int:
    client = KsefClient(http)
    init = await client.start_xades_auth(identity or self_signed(nip=nip, seal=True), context)
    status = await http.get(
        f"/v2/auth/{init.json()['referenceNumber']}",
        headers=client.auth(init.json()["authenticationToken"]["token"]),
    )
    return int(status.json()["status"]["code"])


async def test_zaw_fa_grant_lets_the_office_log_in_until_revoked(http: httpx.AsyncClient) -> None:
    body = {
        "contextIdentifier": {"type": "Nip", "value": CLIENT_NIP},
        "authorizedIdentifier": {"type": "Nip", "value": OFFICE_NIP},
        "permissions": [{"permissionType": "InvoiceRead", "description": "ZAW-FA biuro"}],
    }
    assert await _auth_status(http, OFFICE_NIP, CLIENT_NIP) == 415
    granted = await http.post("/v2/testdata/permissions", json=body)
    assert_response(granted, "/testdata/permissions", "post")
    assert await _auth_status(http, OFFICE_NIP, CLIENT_NIP) == 200
    del body["permissions"]
    revoked = await http.post("/v2/testdata/permissions/revoke", json=body)
    assert_response(revoked, "/testdata/permissions/revoke", "post")
    assert await _auth_status(http, OFFICE_NIP, CLIENT_NIP) == 415


async def test_subject_person_attachment_and_block_are_recorded(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    subject = {
        "subjectNip": CLIENT_NIP,
        "subjectType": "VatGroup",
        "description": "Grupa VAT testowa",
        "subunits": [{"subjectNip": OFFICE_NIP, "description": "Członek grupy"}],
    }
    resp = await http.post("/v2/testdata/subject", json=subject)
    assert_response(resp, "/testdata/subject", "post")
    assert sim.testdata.subjects[CLIENT_NIP].subunits == [OFFICE_NIP]
    person = {"nip": OFFICE_NIP, "pesel": "90010112345", "isBailiff": False, "description": "Osoba"}
    assert_response(await http.post("/v2/testdata/person", json=person), "/testdata/person", "post")
    assert sim.testdata.person_owner("90010112345") == [OFFICE_NIP]
    resp = await http.post("/v2/testdata/attachment", json={"nip": CLIENT_NIP})
    assert_response(resp, "/testdata/attachment", "post")
    assert sim.testdata.attachments_allowed(CLIENT_NIP)
    await http.post("/v2/testdata/attachment/revoke", json={"nip": CLIENT_NIP})
    assert not sim.testdata.attachments_allowed(CLIENT_NIP)
    ctx = {"contextIdentifier": {"type": "Nip", "value": CLIENT_NIP}}
    assert_response(
        await http.post("/v2/testdata/context/block", json=ctx), "/testdata/context/block", "post"
    )
    assert sim.testdata.is_blocked(Ident("Nip", CLIENT_NIP))
    await http.post("/v2/testdata/context/unblock", json=ctx)
    assert not sim.testdata.is_blocked(Ident("Nip", CLIENT_NIP))
    await http.post("/v2/testdata/subject/remove", json={"subjectNip": CLIENT_NIP})
    await http.post("/v2/testdata/person/remove", json={"nip": OFFICE_NIP})
    assert not sim.testdata.subjects
    assert not sim.testdata.persons


async def test_testdata_rejects_bad_input_with_21405(http: httpx.AsyncClient) -> None:
    bad = await http.post("/v2/testdata/attachment", json={"nip": "123"})
    assert_response(bad, "/testdata/attachment", "post")
    assert bad.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21405
    short = {"subjectNip": CLIENT_NIP, "subjectType": "JST", "description": "x"}
    assert (await http.post("/v2/testdata/subject", json=short)).status_code == 400
    empty = await http.post("/v2/testdata/context/block", json={})
    assert empty.status_code == 400


async def test_blocked_context_ends_logins_with_480(http: httpx.AsyncClient) -> None:
    ctx = {"contextIdentifier": {"type": "Nip", "value": CLIENT_NIP}}
    await http.post("/v2/testdata/context/block", json=ctx)
    assert await _auth_status(http, CLIENT_NIP, CLIENT_NIP) == 480
    assert await _auth_status(http, OFFICE_NIP, OFFICE_NIP) == 200  # other contexts are not
    await http.post("/v2/testdata/context/unblock", json=ctx)
    assert await _auth_status(http, CLIENT_NIP, CLIENT_NIP) == 200


async def test_test_persons_pesel_owns_its_nip_unless_deceased(http: httpx.AsyncClient) -> None:
    pesel = "90010112345"
    person = self_signed(pesel=pesel)
    assert await _auth_status(http, "", CLIENT_NIP, person) == 415
    body = {"nip": CLIENT_NIP, "pesel": pesel, "isBailiff": False, "description": "Właściciel"}
    await http.post("/v2/testdata/person", json=body)
    assert await _auth_status(http, "", CLIENT_NIP, person) == 200
    assert await _auth_status(http, "", OFFICE_NIP, person) == 415  # only the linked NIP
    owner = KsefClient(http)
    await owner.login_xades(person, CLIENT_NIP)
    tokens = await http.get("/v2/tokens", headers=owner.auth())  # an owner's right
    assert tokens.status_code == 200
    await http.post("/v2/testdata/person", json={**body, "isDeceased": True})
    assert await _auth_status(http, "", CLIENT_NIP, person) == 470


async def test_attachments_need_consent_given_through_testdata(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    seller = KsefClient(http)
    await seller.login_xades(self_signed(nip=CLIENT_NIP), CLIENT_NIP)
    day = sim.clock.now().date().isoformat()
    xml = filled("ksef-client-csharp__invoice-template-fa-3-with-attachment.xml", day)
    refused = await process_batch(seller, sim, {"a.xml": xml.replace(b"OS/", b"A1/")})
    assert [i["status"]["code"] for i in refused["invoices"]] == [415]
    await http.post("/v2/testdata/attachment", json={"nip": CLIENT_NIP})
    accepted = await process_batch(seller, sim, {"a.xml": xml.replace(b"OS/", b"A2/")})
    assert [i["status"]["code"] for i in accepted["invoices"]] == [200]
