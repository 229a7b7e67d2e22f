from datetime import timedelta

import httpx
from ksef_client import KsefClient, self_signed
from spec import assert_response

from ksef_simulator.clock import Clock, iso

QUERY = "/v2/invoices/query/metadata"


async def _login(http: httpx.AsyncClient, nip: str) -> KsefClient:
    client = KsefClient(http)
    await client.login_xades(self_signed(nip=nip), nip)
    return client


def _body(clock: Clock) -> dict[str, object]:
    since = iso(clock.now() - timedelta(days=1))
    return {"subjectType": "Subject1", "dateRange": {"dateType": "Issue", "from": since}}


async def test_hourly_metadata_budget_gives_429_with_retry_after(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    client = await _login(http, "5265877635")
    for _ in range(20):
        ok = await http.post(QUERY, json=_body(clock), headers=client.auth())
        assert ok.status_code == 200
        clock.advance(4)  # stay under the per-second and per-minute windows
    refused = await http.post(QUERY, json=_body(clock), headers=client.auth())
    assert_response(refused, "/invoices/query/metadata", "post")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.json()["status"]["details"][0].startswith("Przekroczono limit 20 żądań")
    # Budgets are per context: another company from the same IP is unaffected.
    other = await _login(http, "7010002137")
    assert (await http.post(QUERY, json=_body(clock), headers=other.auth())).status_code == 200


async def test_repeated_violations_lengthen_the_block(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    client = await _login(http, "5265877635")
    for _ in range(8):
        await http.post(QUERY, json=_body(clock), headers=client.auth())
    first = await http.post(QUERY, json=_body(clock), headers=client.auth())
    assert first.status_code == 429
    clock.advance(int(first.headers["Retry-After"]))
    for _ in range(8):
        await http.post(QUERY, json=_body(clock), headers=client.auth())
    problem = {**client.auth(), "X-Error-Format": "problem-details"}
    second = await http.post(QUERY, json=_body(clock), headers=problem)
    assert_response(second, "/invoices/query/metadata", "post")
    assert second.headers["content-type"].startswith("application/problem+json")
    assert int(second.headers["Retry-After"]) > int(first.headers["Retry-After"])


async def test_rate_limits_endpoint_reports_the_official_table(
    http: httpx.AsyncClient,
) -> None:
    client = await _login(http, "5265877635")
    resp = await http.get("/v2/rate-limits", headers=client.auth())
    assert_response(resp, "/rate-limits")
    assert resp.json()["invoiceMetadata"] == {"perSecond": 8, "perMinute": 16, "perHour": 20}
