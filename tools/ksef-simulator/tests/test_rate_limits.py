import inspect
import re
from datetime import timedelta

import httpx
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from ksef_client import KsefClient, self_signed
from spec import assert_response, spec

from ksef_simulator.app import V2_MODULES, create_app
from ksef_simulator.clock import Clock, iso
from ksef_simulator.config import Settings
from ksef_simulator.ratelimit import LIMITS

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


def _route_groups() -> dict[tuple[str, str], str]:
    """(method, path with anonymous parameters) -> the rate-limit group its guard counts in."""

    def groups(dependant: Dependant) -> set[str]:
        found = set()
        for dep in dependant.dependencies:
            if dep.call is not None:
                closure = inspect.getclosurevars(dep.call).nonlocals
                if isinstance(closure.get("group"), str):
                    found.add(closure["group"])
            found |= groups(dep)
        return found

    table = {}
    for module in V2_MODULES:
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            [group] = groups(route.dependant) or {"none"}
            path = re.sub(r"\{[^}]+\}", "{}", route.path)
            table.update({(m.lower(), path): group for m in route.methods})
    return table


def test_every_operation_counts_in_the_group_and_limits_of_the_spec() -> None:
    routes = _route_groups()
    checked = 0
    for path, operations in spec()["paths"].items():
        for method, op in operations.items():
            limits = op["x-rate-limits"]
            table_row = op["responses"]["429"]["description"].strip().splitlines()[-1]
            group = table_row.rsplit("|", 1)[1].strip()
            group = "public" if group == "-" else group
            key = (method, re.sub(r"\{[^}]+\}", "{}", path))
            assert routes[key] == group, f"{method.upper()} {path}"
            window = (limits["perSecond"], limits.get("perMinute", 0), limits.get("perHour", 0))
            assert LIMITS[group] == window, group
            checked += 1
    assert checked == 78


async def _metadata(client: KsefClient, clock: Clock) -> httpx.Response:
    return await client.http.post(QUERY, json=_body(clock), headers=client.auth())


async def test_per_second_window_refuses_the_ninth_query_for_one_second(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    client = await _login(http, "5265877635")
    clock.set_speed(0)  # frozen: the eight queries fall in the same instant
    assert [(await _metadata(client, clock)).status_code for _ in range(8)] == [200] * 8
    refused = await _metadata(client, clock)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert "8 żądań na sekundę" in refused.json()["status"]["details"][0]
    clock.advance(1)
    assert (await _metadata(client, clock)).status_code == 200


async def test_per_minute_window_slides_from_the_oldest_query(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    client = await _login(http, "5265877635")
    clock.set_speed(0)
    for _ in range(2):
        assert [(await _metadata(client, clock)).status_code for _ in range(8)] == [200] * 8
        clock.advance(1.5)
    refused = await _metadata(client, clock)
    assert refused.status_code == 429
    assert "16 żądań na minutę" in refused.json()["status"]["details"][0]
    assert refused.headers["Retry-After"] == "57"  # the oldest query leaves the window at 60 s
    clock.advance(57)
    assert (await _metadata(client, clock)).status_code == 200


async def test_budgets_are_per_client_ip(app: FastAPI, http: httpx.AsyncClient) -> None:
    client = await _login(http, "5265877635")
    clock: Clock = app.state.sim.clock
    clock.set_speed(0)
    for _ in range(8):
        await _metadata(client, clock)
    assert (await _metadata(client, clock)).status_code == 429
    other_ip = httpx.ASGITransport(app=app, client=("10.1.2.3", 40000))
    async with httpx.AsyncClient(transport=other_ip, base_url="http://ksef.test") as elsewhere:
        same_token = KsefClient(elsewhere)
        same_token.access_token = client.access_token
        assert (await _metadata(same_token, clock)).status_code == 200


async def test_other_group_counts_each_endpoint_apart(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    client = await _login(http, "5265877635")
    clock.set_speed(0)
    tokens = [(await http.get("/v2/tokens", headers=client.auth())).status_code for _ in range(11)]
    assert tokens == [200] * 10 + [429]
    assert (await http.get("/v2/rate-limits", headers=client.auth())).status_code == 200


async def test_public_endpoints_allow_60_per_second_per_ip(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    clock.set_speed(0)
    codes = [(await http.post("/v2/auth/challenge")).status_code for _ in range(61)]
    assert codes == [200] * 60 + [429]
    ctx = {"contextIdentifier": {"type": "Nip", "value": "5265877635"}}
    blocks = [
        (await http.post("/v2/testdata/context/unblock", json=ctx)).status_code for _ in range(11)
    ]
    assert blocks == [200] * 10 + [429]  # the spec puts context blocking in "other"


async def test_block_length_starts_again_after_an_hour_without_violations(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    client = await _login(http, "5265877635")
    clock.set_speed(0)
    retry_after = []
    for pause in (0, 0, 3601):
        clock.advance(pause)
        if pause:
            client = await _login(http, "5265877635")  # the access token has expired
        for _ in range(8):
            await _metadata(client, clock)
        refused = await _metadata(client, clock)
        retry_after.append(int(refused.headers["Retry-After"]))
        clock.advance(retry_after[-1])
    assert retry_after[1] > retry_after[0]
    assert retry_after[2] == retry_after[0]


async def test_scale_multiplies_every_limit_and_zero_turns_them_off() -> None:
    for scale, expected in ((0.5, 4), (0.0, None)):
        app = create_app(Settings(seed_companies=0, rate_limit_scale=scale))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ksef.test") as http:
            client = await _login(http, "5265877635")
            clock: Clock = app.state.sim.clock
            clock.set_speed(0)
            codes = [(await _metadata(client, clock)).status_code for _ in range(12)]
            table = (await http.get("/v2/rate-limits", headers=client.auth())).json()
        if expected is None:
            assert codes == [200] * 12
        else:
            assert codes == [200] * expected + [429] * (12 - expected)
            assert table["invoiceMetadata"] == {"perSecond": 4, "perMinute": 8, "perHour": 10}


async def test_testdata_rate_limits_override_the_context_until_reset(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    client, other = await _login(http, "5265877635"), await _login(http, "7010002137")
    clock.set_speed(0)
    official = (await http.get("/v2/rate-limits", headers=client.auth())).json()
    custom = {**official, "invoiceMetadata": {"perSecond": 2, "perMinute": 2, "perHour": 2}}
    changed = await http.post(
        "/v2/testdata/rate-limits", json={"rateLimits": custom}, headers=client.auth()
    )
    assert_response(changed, "/testdata/rate-limits", "post")
    shown = await http.get("/v2/rate-limits", headers=client.auth())
    assert shown.json() == custom
    codes = [(await _metadata(client, clock)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert (await _metadata(other, clock)).status_code == 200  # another context keeps its own
    production = await http.post("/v2/testdata/rate-limits/production", headers=client.auth())
    assert_response(production, "/testdata/rate-limits/production", "post")
    assert (await http.get("/v2/rate-limits", headers=client.auth())).json() == official
    await http.post("/v2/testdata/rate-limits", json={"rateLimits": custom}, headers=client.auth())
    reset = await http.delete("/v2/testdata/rate-limits", headers=client.auth())
    assert_response(reset, "/testdata/rate-limits", "delete")
    assert (await http.get("/v2/rate-limits", headers=client.auth())).json() == official
    incomplete = await http.post(
        "/v2/testdata/rate-limits",
        json={"rateLimits": {"other": custom["other"]}},
        headers=client.auth(),
    )
    assert incomplete.status_code == 400
