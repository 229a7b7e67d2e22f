import base64
import hashlib

import httpx
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from ksef_client import KsefClient, auth_request_xml, self_signed, sign_xades
from spec import assert_response

from ksef_simulator.clock import Clock

NIP = "5265877635"


async def test_public_keys_cover_both_usages_with_key_ids(http: httpx.AsyncClient) -> None:
    resp = await http.get("/v2/security/public-key-certificates")
    assert_response(resp, "/security/public-key-certificates")
    keys = resp.json()
    assert {u for k in keys for u in k["usage"]} == {
        "KsefTokenEncryption",
        "SymmetricKeyEncryption",
    }
    for key in keys:
        cert = x509.load_der_x509_certificate(base64.b64decode(key["certificate"]))
        spki = cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        assert key["publicKeyId"] == base64.b64encode(hashlib.sha256(spki).digest()).decode()


async def test_challenge_has_official_shape(http: httpx.AsyncClient) -> None:
    resp = await http.post("/v2/auth/challenge")
    assert_response(resp, "/auth/challenge", "post")
    body = resp.json()
    assert body["challenge"][9:11] == "CR"
    assert body["clientIp"] == "127.0.0.1"


async def test_xades_login_with_self_signed_cert_gives_context_bound_tokens(
    client: KsefClient, http: httpx.AsyncClient
) -> None:
    init = await client.start_xades_auth(self_signed(nip=NIP), NIP)
    assert_response(init, "/auth/xades-signature", "post")
    ref = init.json()["referenceNumber"]
    op_token = init.json()["authenticationToken"]["token"]
    status = await http.get(f"/v2/auth/{ref}", headers=client.auth(op_token))
    assert_response(status, "/auth/{referenceNumber}")
    assert status.json()["status"]["code"] == 200
    assert status.json()["authenticationMethodInfo"]["category"] == "XadesSignature"
    redeem = await http.post("/v2/auth/token/redeem", headers=client.auth(op_token))
    assert_response(redeem, "/auth/token/redeem", "post")
    claims = jwt.decode(redeem.json()["accessToken"]["token"], options={"verify_signature": False})
    assert claims["context-identifier-value"] == NIP
    assert claims["token-type"] == "ContextToken"


async def test_redeem_is_single_use(client: KsefClient, http: httpx.AsyncClient) -> None:
    init = await client.start_xades_auth(self_signed(nip=NIP, seal=True), NIP)
    await client.finish(init)
    again = await http.post(
        "/v2/auth/token/redeem", headers=client.auth(init.json()["authenticationToken"]["token"])
    )
    assert_response(again, "/auth/token/redeem", "post")
    assert again.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21301


async def test_refresh_issues_new_access_token(client: KsefClient, http: httpx.AsyncClient) -> None:
    await client.login_xades(self_signed(nip=NIP), NIP)
    resp = await http.post("/v2/auth/token/refresh", headers=client.auth(client.refresh_token))
    assert_response(resp, "/auth/token/refresh", "post")
    assert resp.json()["accessToken"]["token"] != client.access_token


async def test_challenge_expires_after_ten_minutes(
    client: KsefClient, http: httpx.AsyncClient, clock: Clock
) -> None:
    ch = await client.challenge()
    clock.advance(601)
    signed = sign_xades(auth_request_xml(ch["challenge"], NIP), self_signed(nip=NIP))
    resp = await http.post("/v2/auth/xades-signature", content=signed)
    assert_response(resp, "/auth/xades-signature", "post")
    assert resp.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21111


async def test_tampered_signature_is_refused(client: KsefClient, http: httpx.AsyncClient) -> None:
    ch = await client.challenge()
    signed = sign_xades(auth_request_xml(ch["challenge"], NIP), self_signed(nip=NIP))
    tampered = signed.replace(NIP.encode(), b"1111111111", 1)
    resp = await http.post(
        "/v2/auth/xades-signature", content=tampered, headers={"X-Error-Format": "problem-details"}
    )
    assert_response(resp, "/auth/xades-signature", "post")
    assert resp.json()["errors"][0]["code"] == 9105


async def test_login_into_foreign_context_without_grant_ends_with_415(
    client: KsefClient, http: httpx.AsyncClient
) -> None:
    init = await client.start_xades_auth(self_signed(nip="1111111111"), NIP)
    ref = init.json()["referenceNumber"]
    op_token = init.json()["authenticationToken"]["token"]
    status = await http.get(f"/v2/auth/{ref}", headers=client.auth(op_token))
    assert status.json()["status"]["code"] == 415
    redeem = await http.post("/v2/auth/token/redeem", headers=client.auth(op_token))
    assert redeem.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21301


async def test_missing_bearer_is_problem_401(http: httpx.AsyncClient) -> None:
    resp = await http.get("/v2/auth/sessions")
    assert_response(resp, "/auth/sessions")
    assert resp.status_code == 401


async def test_sessions_list_and_revoke_current(
    client: KsefClient, http: httpx.AsyncClient
) -> None:
    await client.login_xades(self_signed(nip=NIP), NIP)
    listed = await http.get("/v2/auth/sessions", headers=client.auth())
    assert_response(listed, "/auth/sessions")
    [item] = listed.json()["items"]
    assert item["isCurrent"] is True
    revoke = await http.delete("/v2/auth/sessions/current", headers=client.auth())
    assert_response(revoke, "/auth/sessions/current", "delete")
    refresh = await http.post("/v2/auth/token/refresh", headers=client.auth(client.refresh_token))
    assert refresh.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 21301
