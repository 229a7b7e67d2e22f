import httpx
from ksef_client import FA3_FORM, KsefClient, self_signed
from spec import assert_response

from ksef_simulator.simulator import Simulator

OWNER, OFFICE, STRANGER = "5265877635", "7010002137", "3861610227"


async def open_online(client: KsefClient) -> str:
    _, _, encryption = await client.encryption()
    body = {"formCode": FA3_FORM, "encryption": encryption}
    resp = await client.http.post("/v2/sessions/online", json=body, headers=client.auth())
    return str(resp.json()["referenceNumber"])


async def listing(client: KsefClient, **params: object) -> httpx.Response:
    headers = client.auth()
    token = params.pop("token", None)
    if token:
        headers["x-continuation-token"] = str(token)
    return await client.http.get("/v2/sessions", params=params, headers=headers)


async def test_sessions_are_listed_newest_first_with_continuation(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    sim.limiter.scale = 0  # 12 sessions exceed the per-second limit of session opening
    owner = KsefClient(http)
    await owner.login_xades(self_signed(nip=OWNER), OWNER)
    refs = []
    for _ in range(12):
        refs.append(await open_online(owner))
        sim.clock.advance(1)
    closed = refs[0]
    await http.post(f"/v2/sessions/online/{closed}/close", headers=owner.auth())

    first = await listing(owner, sessionType="Online")
    assert_response(first, "/sessions")
    assert [s["referenceNumber"] for s in first.json()["sessions"]] == refs[::-1][:10]
    second = await listing(owner, sessionType="Online", token=first.json()["continuationToken"])
    assert [s["referenceNumber"] for s in second.json()["sessions"]] == refs[1::-1]
    assert second.json()["continuationToken"] is None

    cancelled = await listing(owner, sessionType="Online", statuses="Cancelled")
    assert [s["referenceNumber"] for s in cancelled.json()["sessions"]] == [closed]
    assert cancelled.json()["sessions"][0]["status"]["code"] == 440
    batch = await listing(owner, sessionType="Batch")
    assert batch.json()["sessions"] == []


async def test_listing_rejects_bad_paging_and_other_contexts_see_nothing(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    owner, stranger = KsefClient(http), KsefClient(http)
    await owner.login_xades(self_signed(nip=OWNER), OWNER)
    await stranger.login_xades(self_signed(nip=STRANGER), STRANGER)
    await open_online(owner)
    bad_token = await listing(owner, sessionType="Online", token="not-a-token")
    assert_response(bad_token, "/sessions")
    assert bad_token.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21418
    small = await listing(owner, sessionType="Online", pageSize=5)
    assert small.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21405
    missing_type = await listing(owner)
    assert missing_type.status_code == 400
    assert (await listing(stranger, sessionType="Online")).json()["sessions"] == []
    anonymous = await http.get("/v2/sessions", params={"sessionType": "Online"})
    assert anonymous.status_code == 401


async def test_invoice_write_alone_lists_only_own_sessions(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    owner, office = KsefClient(http), KsefClient(http)
    await owner.login_xades(self_signed(nip=OWNER), OWNER)
    grant = {
        "subjectIdentifier": {"type": "Nip", "value": OFFICE},
        "permissions": [{"type": "InvoiceWrite", "canDelegate": False}],
        "description": "Biuro wystawia faktury",
        "subjectDetails": {"fullName": "Biuro Rachunkowe"},
    }
    resp = await http.post("/v2/permissions/entities/grants", json=grant, headers=owner.auth())
    assert resp.status_code == 202
    owners = await open_online(owner)
    await office.login_xades(self_signed(nip=OFFICE), OWNER)
    offices = await open_online(office)
    seen_by_office = await listing(office, sessionType="Online")
    assert [s["referenceNumber"] for s in seen_by_office.json()["sessions"]] == [offices]
    seen_by_owner = await listing(owner, sessionType="Online")
    assert {s["referenceNumber"] for s in seen_by_owner.json()["sessions"]} == {owners, offices}


async def test_subject_limits_follow_the_identity(http: httpx.AsyncClient, sim: Simulator) -> None:
    owner = KsefClient(http)
    await owner.login_xades(self_signed(nip=OWNER), OWNER)
    limits = await http.get("/v2/limits/subject", headers=owner.auth())
    assert_response(limits, "/limits/subject")
    assert limits.json() == {"enrollment": {"maxEnrollments": 300},
                             "certificate": {"maxCertificates": 100}}  # fmt: skip
    assert (await http.get("/v2/limits/subject")).status_code == 401
