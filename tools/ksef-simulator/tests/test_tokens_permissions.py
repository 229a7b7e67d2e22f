import httpx
from ksef_client import KsefClient, self_signed
from spec import assert_response

CLIENT_NIP = "5265877635"
OFFICE_NIP = "7010002137"


async def _generate(client: KsefClient, perms: list[str]) -> httpx.Response:
    body = {"permissions": perms, "description": "Token for the test suite"}
    return await client.http.post("/v2/tokens", json=body, headers=client.auth())


async def test_generated_token_logs_in_with_its_permissions(
    client: KsefClient, http: httpx.AsyncClient
) -> None:
    await client.login_xades(self_signed(nip=CLIENT_NIP), CLIENT_NIP)
    resp = await _generate(client, ["InvoiceRead"])
    assert_response(resp, "/tokens", "post")
    token = resp.json()["token"]
    other = KsefClient(http)
    await other.login_token(token, CLIENT_NIP)
    listed = await http.get("/v2/tokens", headers=client.auth())
    assert_response(listed, "/tokens")
    [item] = listed.json()["tokens"]
    assert item["requestedPermissions"] == ["InvoiceRead"]
    assert item["status"] == "Active"
    # The token holds InvoiceRead only, so generating tokens needs rights it lacks.
    denied = await _generate(other, ["InvoiceWrite"])
    assert denied.json()["exception"]["exceptionDetailList"][0]["exceptionCode"] == 26001


async def test_revoked_token_no_longer_authenticates(
    client: KsefClient, http: httpx.AsyncClient
) -> None:
    await client.login_xades(self_signed(nip=CLIENT_NIP), CLIENT_NIP)
    created = (await _generate(client, ["InvoiceRead"])).json()
    revoke = await http.delete(f"/v2/tokens/{created['referenceNumber']}", headers=client.auth())
    assert_response(revoke, "/tokens/{referenceNumber}", "delete")
    status = await http.get(f"/v2/tokens/{created['referenceNumber']}", headers=client.auth())
    assert_response(status, "/tokens/{referenceNumber}")
    assert status.json()["status"] == "Revoked"
    init = await KsefClient(http).start_token_auth(created["token"], CLIENT_NIP)
    ref = init.json()["referenceNumber"]
    op_token = init.json()["authenticationToken"]["token"]
    auth = await http.get(f"/v2/auth/{ref}", headers=client.auth(op_token))
    assert auth.json()["status"] == {
        "code": 450,
        "description": "Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu",
        "details": ["Token unieważniony"],
    }


async def test_token_with_wrong_timestamp_fails_with_450(
    client: KsefClient, http: httpx.AsyncClient
) -> None:
    await client.login_xades(self_signed(nip=CLIENT_NIP), CLIENT_NIP)
    token = (await _generate(client, ["InvoiceRead"])).json()["token"]
    init = await client.start_token_auth(token + "|0", CLIENT_NIP)
    status = await http.get(
        f"/v2/auth/{init.json()['referenceNumber']}",
        headers=client.auth(init.json()["authenticationToken"]["token"]),
    )
    assert status.json()["status"]["code"] == 450


async def test_office_logs_into_client_context_exactly_when_granted(
    http: httpx.AsyncClient,
) -> None:
    office_cert = self_signed(nip=OFFICE_NIP, seal=True)
    office = KsefClient(http)
    refused = await office.start_xades_auth(office_cert, CLIENT_NIP)
    status = await http.get(
        f"/v2/auth/{refused.json()['referenceNumber']}",
        headers=office.auth(refused.json()["authenticationToken"]["token"]),
    )
    assert status.json()["status"]["code"] == 415

    owner = KsefClient(http)
    await owner.login_xades(self_signed(nip=CLIENT_NIP), CLIENT_NIP)
    grant = {
        "subjectIdentifier": {"type": "Nip", "value": OFFICE_NIP},
        "permissions": [{"type": "InvoiceRead", "canDelegate": True}],
        "description": "Biuro rachunkowe",
        "subjectDetails": {"fullName": "Biuro Rachunkowe Sp. z o.o."},
    }
    resp = await http.post("/v2/permissions/entities/grants", json=grant, headers=owner.auth())
    assert_response(resp, "/permissions/entities/grants", "post")
    op = await http.get(
        f"/v2/permissions/operations/{resp.json()['referenceNumber']}", headers=owner.auth()
    )
    assert_response(op, "/permissions/operations/{referenceNumber}")
    assert op.json()["status"]["code"] == 200

    await office.login_xades(office_cert, CLIENT_NIP)
    own = KsefClient(http)
    await own.login_xades(office_cert, OFFICE_NIP)
    query = await http.post("/v2/permissions/query/entities/grants", json={}, headers=own.auth())
    assert_response(query, "/permissions/query/entities/grants", "post")
    [received] = query.json()["permissions"]
    assert received["contextIdentifier"] == {"type": "Nip", "value": CLIENT_NIP}
    assert received["permissionScope"] == "InvoiceRead"
    assert received["canDelegate"] is True

    revoke = await http.delete(
        f"/v2/permissions/common/grants/{received['id']}", headers=owner.auth()
    )
    assert_response(revoke, "/permissions/common/grants/{permissionId}", "delete")
    again = await office.start_xades_auth(office_cert, CLIENT_NIP)
    status = await http.get(
        f"/v2/auth/{again.json()['referenceNumber']}",
        headers=office.auth(again.json()["authenticationToken"]["token"]),
    )
    assert status.json()["status"]["code"] == 415


async def test_grant_requires_credentials_manage(http: httpx.AsyncClient) -> None:
    owner = KsefClient(http)
    await owner.login_xades(self_signed(nip=CLIENT_NIP), CLIENT_NIP)
    token = (await _generate(owner, ["InvoiceRead"])).json()["token"]
    reader = KsefClient(http)
    await reader.login_token(token, CLIENT_NIP)
    grant = {
        "subjectIdentifier": {"type": "Nip", "value": OFFICE_NIP},
        "permissions": [{"type": "InvoiceRead"}],
        "description": "Biuro rachunkowe",
        "subjectDetails": {"fullName": "Biuro Rachunkowe"},
    }
    resp = await http.post("/v2/permissions/entities/grants", json=grant, headers=reader.auth())
    assert_response(resp, "/permissions/entities/grants", "post")
    assert resp.json()["reasonCode"] == "missing-permissions"
