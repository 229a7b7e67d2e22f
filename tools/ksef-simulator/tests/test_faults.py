from datetime import datetime

import httpx
from ksef_client import KsefClient, self_signed
from spec import assert_response

CLIENT_NIP, OTHER_NIP, OFFICE_NIP = "5265877635", "7010002137", "1111111111"
LIMITS = "/v2/limits/context"


async def _sim_seconds(http: httpx.AsyncClient, request: object) -> tuple[httpx.Response, float]:
    """The response and how many simulated seconds it took (the admin clock, not wall time)."""
    before = datetime.fromisoformat((await http.get("/admin/clock")).json()["now"])
    resp = await request  # type: ignore[misc]
    after = datetime.fromisoformat((await http.get("/admin/clock")).json()["now"])
    return resp, (after - before).total_seconds()


async def test_outage_window_answers_503_until_it_ends(http: httpx.AsyncClient) -> None:
    set_fault = await http.post(
        "/admin/faults", json={"mode": "unavailable", "durationSeconds": 120}
    )
    assert set_fault.status_code == 200
    [active] = (await http.get("/admin/faults")).json()["faults"]
    assert active["mode"] == "unavailable"
    down = await http.post("/v2/auth/challenge")
    assert down.status_code == 503
    assert down.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(down.headers["Retry-After"]) <= 120
    assert (await http.get("/health")).status_code == 200  # the stack still sees it alive
    await http.post("/admin/clock/advance", json={"seconds": 121})
    assert (await http.post("/v2/auth/challenge")).status_code == 200
    assert (await http.get("/admin/faults")).json() == {"faults": []}


async def test_open_ended_outage_lasts_until_deleted(http: httpx.AsyncClient) -> None:
    fault = (await http.post("/admin/faults", json={"mode": "unavailable"})).json()
    assert (await http.get("/v2/security/public-key-certificates")).status_code == 503
    assert (await http.delete(f"/admin/faults/{fault['id']}")).status_code == 204
    assert (await http.delete(f"/admin/faults/{fault['id']}")).status_code == 404
    assert (await http.get("/v2/security/public-key-certificates")).status_code == 200
    bad = await http.post("/admin/faults", json={"mode": "broken"})
    assert bad.status_code == 400


async def test_latency_and_timeout_are_simulated_seconds(http: httpx.AsyncClient) -> None:
    await http.put("/admin/clock/speed", json={"speed": 2000})
    await http.post("/admin/faults", json={"mode": "slow", "latencySeconds": 100})
    slow, took = await _sim_seconds(http, http.post("/v2/auth/challenge"))
    assert slow.status_code == 200
    assert took >= 100
    await http.delete("/admin/faults")
    await http.post(
        "/admin/faults",
        json={"mode": "timeout", "latencySeconds": 60, "pathPrefix": "/v2/auth/challenge"},
    )
    late, took = await _sim_seconds(http, http.post("/v2/auth/challenge"))
    assert late.status_code == 504
    assert late.headers["content-type"].startswith("application/problem+json")
    assert took >= 60
    assert (await http.get("/v2/security/public-key-certificates")).status_code == 200


async def test_error_rate_answers_the_chosen_5xx_for_a_share_of_requests(
    http: httpx.AsyncClient,
) -> None:
    await http.post(
        "/admin/faults",
        json={"mode": "errors", "rate": 0.5, "status": 502, "pathPrefix": "/v2/security"},
    )
    codes = [
        (await http.get("/v2/security/public-key-certificates")).status_code for _ in range(40)
    ]
    assert set(codes) == {200, 502}
    assert 8 <= codes.count(502) <= 32
    assert (await http.post("/v2/auth/challenge")).status_code == 200  # outside the prefix


async def test_forced_429_carries_retry_after_and_the_spec_body(http: httpx.AsyncClient) -> None:
    client = KsefClient(http)
    await client.login_xades(self_signed(nip=CLIENT_NIP), CLIENT_NIP)
    await http.post(
        "/admin/faults", json={"mode": "throttle", "retryAfter": 45, "pathPrefix": LIMITS}
    )
    resp = await http.get(LIMITS, headers=client.auth())
    assert_response(resp, "/limits/context")
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "45"


async def test_forbidden_and_expired_tokens_hit_only_the_chosen_callers(
    http: httpx.AsyncClient,
) -> None:
    target, bystander = KsefClient(http), KsefClient(http)
    await target.login_xades(self_signed(nip=CLIENT_NIP), CLIENT_NIP)
    await bystander.login_xades(self_signed(nip=OTHER_NIP), OTHER_NIP)
    await http.post("/admin/faults", json={"mode": "forbidden", "contexts": [CLIENT_NIP]})
    denied = await http.get(LIMITS, headers=target.auth())
    assert_response(denied, "/limits/context")
    assert denied.json()["reasonCode"] == "missing-permissions"
    assert (await http.get(LIMITS, headers=bystander.auth())).status_code == 200
    await http.delete("/admin/faults")
    await http.post("/admin/faults", json={"mode": "expiredTokens", "durationSeconds": 30})
    expired = await http.get(LIMITS, headers=bystander.auth())
    assert_response(expired, "/limits/context")
    assert expired.status_code == 401
    assert (await http.post("/v2/auth/challenge")).status_code == 200  # no token, no fault
    await http.post("/admin/clock/advance", json={"seconds": 31})
    assert (await http.get(LIMITS, headers=bystander.auth())).status_code == 200


async def test_revoking_an_office_grant_makes_its_next_login_fail_with_415(
    http: httpx.AsyncClient,
) -> None:
    owner = KsefClient(http)
    await owner.login_xades(self_signed(nip=CLIENT_NIP), CLIENT_NIP)
    grant = {
        "subjectIdentifier": {"type": "Nip", "value": OFFICE_NIP},
        "permissions": [{"type": "InvoiceRead", "canDelegate": False}],
        "description": "Biuro rachunkowe",
        "subjectDetails": {"fullName": "Biuro Rachunkowe Sp. z o.o."},
    }
    await http.post("/v2/permissions/entities/grants", json=grant, headers=owner.auth())
    office_cert = self_signed(nip=OFFICE_NIP, seal=True)
    await KsefClient(http).login_xades(office_cert, CLIENT_NIP)
    revoked = await http.post(
        "/admin/permissions/revoke", json={"contextNip": CLIENT_NIP, "subjectNip": OFFICE_NIP}
    )
    assert revoked.json() == {"revoked": 1}
    office = KsefClient(http)
    again = await office.start_xades_auth(office_cert, CLIENT_NIP)
    status = await http.get(
        f"/v2/auth/{again.json()['referenceNumber']}",
        headers=office.auth(again.json()["authenticationToken"]["token"]),
    )
    assert status.json()["status"]["code"] == 415
    bad = await http.post("/admin/permissions/revoke", json={"contextNip": "12"})
    assert bad.status_code == 400
