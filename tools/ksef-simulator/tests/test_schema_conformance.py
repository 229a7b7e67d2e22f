"""Schema-driven conformance: schemathesis generates requests from the official open-api.json and
sends them to a real simulator process; every response must use a status code the operation
declares, a declared content type, a body matching the declared schema and declared headers.

Every operation of the spec is covered except the one that would end the test's own session.
The run stays short (about a minute): ten examples per operation from the spec's examples,
the coverage phase (boundary values) and fuzzing, with both valid and schema-violating requests,
so the 400 bodies (ExceptionResponse or problem+json) are checked as well as the successes.
Random references mostly meet 400s with KSeF exception codes, 401/403, or 200s on queries.

Not checked: `negative_data_rejection` (that every schema-violating request gets a 4xx). The
simulator still accepts some malformed requests, e.g. a JSON `null` body where an optional
object is expected, or identifiers in query filters whose value does not fit their type.
"""

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from ksef_client import KsefClient, self_signed
from schemathesis.config import SchemathesisConfig
from sim_process import running_simulator
from spec import SPEC_PATH

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"mode": "all", "max-examples": 10, "deterministic": True},
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
        "checks": {
            "enabled": False,
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
            "response_headers_conformance": {"enabled": True},
        },
    }
)
# Ending the current auth session would turn every later request into a 401.
schema = schemathesis.openapi.from_path(SPEC_PATH, config=CONFIG).exclude(
    method="DELETE", path="/auth/sessions/current"
)


async def _login(base_url: str, nip: str) -> str:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        client = KsefClient(http)
        await client.login_xades(self_signed(nip=nip), nip)
        assert client.access_token is not None
        return client.access_token


@pytest.fixture(scope="module")
def target() -> Iterator[tuple[str, dict[str, str]]]:
    """A seeded simulator without rate limits, and an owner's bearer header for it."""
    env = {
        "KSEF_SIM_SEED_COMPANIES": "2",
        "KSEF_SIM_SEED_INVOICES": "15",
        "KSEF_SIM_RATE_LIMIT_SCALE": "0",
    }
    with running_simulator(env) as (port, companies):
        root = f"http://127.0.0.1:{port}"
        token = asyncio.run(_login(root, companies[0]["nip"]))
        yield f"{root}/v2", {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_responses_conform_to_the_official_spec(
    case: Any, target: tuple[str, dict[str, str]]
) -> None:
    base_url, auth = target
    case.call_and_validate(base_url=base_url, headers=auth, timeout=30)
