"""A company's way into KSeF through the API, against the simulator: token, certificate,
signed XML; clear refusals; secrets never leave; tenancy and roles."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import asyncpg
import httpx

from chassis.testing import TokenFactory
from ksef_gateway import xades
from ksef_gateway.testing import self_signed

from .conftest import Api, client_company, owner


def company_headers(tokens: TokenFactory, company: UUID, role: str = "owner") -> dict[str, str]:
    return tokens.headers(company, org_kind="company", role=role)


async def test_a_ksef_token_logs_in_warns_about_its_end_and_stays_secret(
    api: Api, pool: asyncpg.Pool, tokens: TokenFactory, sim: httpx.AsyncClient, sim_url: str
) -> None:
    company, nip = await client_company(pool, None)
    ksef_token = await (await owner(sim, sim_url, nip)).new_ksef_token()
    resp = await api.client.put(
        f"/companies/{company}/ksef/token",
        json={"token": ksef_token},
        headers=company_headers(tokens, company),
    )
    assert resp.status_code == 200, resp.text
    auth = resp.json()["authorization"]
    assert (auth["method"], auth["status"]) == ("token", "active")
    assert "31 grudnia 2026" in auth["message"]
    assert [s["direction"] for s in resp.json()["sync"]] == ["sales", "purchase"]
    assert ksef_token.split("|")[-1] not in resp.text
    stored = await pool.fetch("SELECT ciphertext FROM secrets")
    assert stored
    assert all(ksef_token.encode() not in r["ciphertext"] for r in stored)
    [event] = await pool.fetch(
        "SELECT payload FROM outbox WHERE topic = 'ksef.authorization.changed'"
    )
    assert event["payload"]["data"]["status"] == "active"
    assert ksef_token not in str(event["payload"])


async def test_a_wrong_token_is_refused_by_ksef_and_nothing_is_stored(
    api: Api, pool: asyncpg.Pool, tokens: TokenFactory
) -> None:
    company, _ = await client_company(pool, None)
    resp = await api.client.put(
        f"/companies/{company}/ksef/token",
        json={"token": "20250101-EC-1111111111-22|x|" + "ab" * 32},
        headers=company_headers(tokens, company),
    )
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["code"] == "ksef_rejected"
    assert await pool.fetchval("SELECT count(*) FROM company_auth") == 0


async def test_a_certificate_with_password_is_used_and_bad_ones_are_named(
    api: Api, pool: asyncpg.Pool, tokens: TokenFactory
) -> None:
    company, nip = await client_company(pool, None)
    cert, key = self_signed(nip, password="Haslo123")
    url, headers = f"/companies/{company}/ksef/certificate", company_headers(tokens, company)
    bad = await api.client.put(
        url,
        json={"certificate_pem": cert, "private_key_pem": key, "password": "zle"},
        headers=headers,
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "wrong_key_password")
    assert "Hasło" in bad.json()["error"]["message"]
    junk = await api.client.put(
        url, json={"certificate_pem": "junk", "private_key_pem": key}, headers=headers
    )
    assert junk.json()["error"]["code"] == "invalid_certificate"
    ok = await api.client.put(
        url,
        json={"certificate_pem": cert, "private_key_pem": key, "password": "Haslo123"},
        headers=headers,
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["authorization"]["method"] == "certificate"
    assert ok.json()["authorization"]["valid_until"] is not None
    assert "PRIVATE KEY" not in ok.text


async def test_signed_xml_round_trip_and_tampering(
    api: Api, pool: asyncpg.Pool, tokens: TokenFactory
) -> None:
    company, nip = await client_company(pool, None)
    headers = company_headers(tokens, company)
    unsigned = await api.client.post(f"/companies/{company}/ksef/auth-request", headers=headers)
    assert unsigned.status_code == 200
    assert unsigned.headers["content-type"].startswith("application/xml")
    url = f"/companies/{company}/ksef/signed-request"
    refused = await api.client.put(url, content=unsigned.content, headers=headers)
    assert refused.json()["error"]["code"] == "xml_unsigned"
    cert, key = self_signed(nip)
    credential = xades.load_credential(cert.encode(), key.encode(), None, datetime.now(UTC))
    signed = xades.sign(unsigned.content, credential)
    tampered = signed.replace(b"certificateSubject", b"certificateFingerprint")
    bad = await api.client.put(url, content=tampered, headers=headers)
    assert bad.json()["error"]["code"] == "xml_signature_invalid"
    ok = await api.client.put(url, content=signed, headers=headers)
    assert ok.status_code == 200, ok.text
    auth = ok.json()["authorization"]
    assert (auth["method"], auth["status"], auth["awaiting_signed_xml"]) == (
        "signed_xml",
        "active",
        True,
    ) or (auth["method"], auth["status"]) == ("signed_xml", "active")


async def test_removal_deletes_secrets_and_publishes_removed(
    api: Api, pool: asyncpg.Pool, tokens: TokenFactory
) -> None:
    company, nip = await client_company(pool, None)
    cert, key = self_signed(nip)
    headers = company_headers(tokens, company)
    await api.client.put(
        f"/companies/{company}/ksef/certificate",
        json={"certificate_pem": cert, "private_key_pem": key},
        headers=headers,
    )
    assert (
        await api.client.delete(f"/companies/{company}/ksef", headers=headers)
    ).status_code == 204
    assert await pool.fetchval("SELECT count(*) FROM secrets") == 0
    statuses = [
        r["payload"]["data"]["status"]
        for r in await pool.fetch(
            "SELECT payload FROM outbox WHERE topic = 'ksef.authorization.changed' ORDER BY id"
        )
    ]
    assert statuses == ["active", "removed"]
    gone = await api.client.get(f"/companies/{company}/ksef", headers=headers)
    assert gone.json()["authorization"] is None


async def test_other_tenants_get_404_and_employees_cannot_configure(
    api: Api, pool: asyncpg.Pool, tokens: TokenFactory
) -> None:
    company, nip = await client_company(pool, None)
    stranger, _ = await client_company(pool, None)
    cert, key = self_signed(nip)
    body = {"certificate_pem": cert, "private_key_pem": key}
    for method, path in [
        ("GET", f"/companies/{company}/ksef"),
        ("PUT", f"/companies/{company}/ksef/certificate"),
        ("POST", f"/companies/{company}/ksef/sync"),
        ("DELETE", f"/companies/{company}/ksef"),
        ("POST", f"/companies/{company}/ksef/auth-request"),
    ]:
        resp = await api.client.request(
            method,
            path,
            json=body if method == "PUT" else None,
            headers=company_headers(tokens, stranger),
        )
        assert (resp.status_code, resp.json()["error"]["code"]) == (404, "company_not_found"), path
    employee = await api.client.put(
        f"/companies/{company}/ksef/certificate",
        json=body,
        headers=company_headers(tokens, company, role="employee"),
    )
    assert employee.status_code == 403
    anonymous = await api.client.get(f"/companies/{company}/ksef")
    assert anonymous.status_code == 401
    sync = await api.client.post(
        f"/companies/{company}/ksef/sync", headers=company_headers(tokens, company)
    )
    assert sync.json()["error"]["code"] == "ksef_authorization_missing"
