from typing import Any

import httpx
from ksef_client import KsefClient, self_signed
from spec import assert_response

from ksef_simulator.simulator import Simulator

CLIENT, OTHER_CLIENT, OFFICE = "5265877635", "3861610227", "7010002137"
PESEL, PESEL2 = "90010112345", "85020298765"
PERSON = {"subjectDetailsType": "PersonByIdentifier",
          "personById": {"firstName": "Jan", "lastName": "Kowalski"}}  # fmt: skip


async def login(
    http: httpx.AsyncClient, context: str, nip: str = "", pesel: str = ""
) -> KsefClient:
    client = KsefClient(http)
    identity = self_signed(nip=nip) if nip else self_signed(pesel=pesel)
    await client.login_xades(identity, context)
    return client


async def auth_status(http: httpx.AsyncClient, context: str, pesel: str) -> int:
    """Status code of a XAdES login of a PESEL certificate into `context` (200 or 415)."""
    client = KsefClient(http)
    init = await client.start_xades_auth(self_signed(pesel=pesel), context)
    token = init.json()["authenticationToken"]["token"]
    status = await http.get(
        f"/v2/auth/{init.json()['referenceNumber']}", headers=client.auth(token)
    )
    return int(status.json()["status"]["code"])


async def post(client: KsefClient, path: str, body: dict[str, Any]) -> httpx.Response:
    resp = await client.http.post(f"/v2/permissions/{path}", json=body, headers=client.auth())
    return resp


async def operation_code(client: KsefClient, resp: httpx.Response) -> int:
    assert resp.status_code == 202, resp.text
    ref = resp.json()["referenceNumber"]
    status = await client.http.get(f"/v2/permissions/operations/{ref}", headers=client.auth())
    assert_response(status, "/permissions/operations/{referenceNumber}")
    return int(status.json()["status"]["code"])


async def entity_grant(owner: KsefClient, office: str, can_delegate: bool) -> None:
    body = {
        "subjectIdentifier": {"type": "Nip", "value": office},
        "permissions": [{"type": "InvoiceRead", "canDelegate": can_delegate}],
        "description": "Biuro pobiera faktury",
        "subjectDetails": {"fullName": "Biuro Rachunkowe"},
    }
    assert await operation_code(owner, await post(owner, "entities/grants", body)) == 200


def indirect(pesel: str, target: dict[str, str] | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "subjectIdentifier": {"type": "Pesel", "value": pesel},
        "permissions": ["InvoiceRead"],
        "description": "Pracownik biura",
        "subjectDetails": PERSON,
    }
    if target:
        body["targetIdentifier"] = target
    return body


async def test_person_grant_allows_login_until_revoked(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    owner = await login(http, CLIENT, nip=CLIENT)
    assert await auth_status(http, CLIENT, PESEL) == 415
    body = {
        "subjectIdentifier": {"type": "Pesel", "value": PESEL},
        "permissions": ["InvoiceRead", "Introspection"],
        "description": "Księgowa klienta",
        "subjectDetails": PERSON,
    }
    granted = await post(owner, "persons/grants", body)
    assert_response(granted, "/permissions/persons/grants", "post")
    assert await operation_code(owner, granted) == 200

    person = await login(http, CLIENT, pesel=PESEL)
    mine = await post(person, "query/personal/grants", {})
    assert_response(mine, "/permissions/query/personal/grants", "post")
    assert sorted(p["permissionScope"] for p in mine.json()["permissions"]) == [
        "Introspection", "InvoiceRead",
    ]  # fmt: skip
    query = {"queryType": "PermissionsGrantedInCurrentContext"}
    listed = await post(owner, "query/persons/grants", query)
    assert_response(listed, "/permissions/query/persons/grants", "post")
    ids = [p["id"] for p in listed.json()["permissions"]]
    assert len(ids) == 2

    forbidden = await post(person, "persons/grants", body)  # no CredentialsManage
    assert forbidden.status_code == 403
    stranger = await login(http, OTHER_CLIENT, nip=OTHER_CLIENT)
    foreign = await stranger.http.delete(
        f"/v2/permissions/common/grants/{ids[0]}", headers=stranger.auth()
    )
    assert await operation_code(stranger, foreign) == 400
    for grant_id in ids:
        revoked = await http.delete(
            f"/v2/permissions/common/grants/{grant_id}", headers=owner.auth()
        )
        assert_response(revoked, "/permissions/common/grants/{permissionId}", "delete")
        assert await operation_code(owner, revoked) == 200
    assert await auth_status(http, CLIENT, PESEL) == 415


async def test_office_employee_reaches_a_client_only_through_delegable_grants(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    client_owner = await login(http, CLIENT, nip=CLIENT)
    other_owner = await login(http, OTHER_CLIENT, nip=OTHER_CLIENT)
    await entity_grant(client_owner, OFFICE, can_delegate=True)
    await entity_grant(other_owner, OFFICE, can_delegate=False)
    office = await login(http, OFFICE, nip=OFFICE)

    clients = await post(office, "query/entities/grants", {})
    assert {p["contextIdentifier"]["value"] for p in clients.json()["permissions"]} == {
        CLIENT, OTHER_CLIENT,
    }  # fmt: skip
    selective = await post(
        office, "indirect/grants", indirect(PESEL, {"type": "Nip", "value": CLIENT})
    )
    assert_response(selective, "/permissions/indirect/grants", "post")
    assert await operation_code(office, selective) == 200
    refused = await post(
        office, "indirect/grants", indirect(PESEL, {"type": "Nip", "value": OTHER_CLIENT})
    )
    assert await operation_code(office, refused) == 440
    general = await post(office, "indirect/grants", indirect(PESEL2, {"type": "AllPartners"}))
    assert await operation_code(office, general) == 200

    assert await auth_status(http, CLIENT, PESEL) == 200
    assert await auth_status(http, CLIENT, PESEL2) == 200
    # The other client gave no canDelegate: neither employee gets in, not even the general one.
    assert await auth_status(http, OTHER_CLIENT, PESEL) == 415
    assert await auth_status(http, OTHER_CLIENT, PESEL2) == 415
    # An employee's rights in the office's own context do not carry over either.
    assert await auth_status(http, OFFICE, PESEL) == 415

    employee = await login(http, CLIENT, pesel=PESEL)
    query = {"subjectType": "Subject1", "dateRange": {"dateType": "Invoicing",
             "from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}}  # fmt: skip
    found = await http.post("/v2/invoices/query/metadata", json=query, headers=employee.auth())
    assert found.status_code == 200

    held = await post(
        client_owner, "query/persons/grants", {"queryType": "PermissionsInCurrentContext"}
    )
    assert {p["authorizedIdentifier"]["value"] for p in held.json()["permissions"]} == {PESEL}
    grants = await post(
        office, "query/entities/grants", {"contextIdentifier": {"type": "Nip", "value": CLIENT}}
    )
    for grant in grants.json()["permissions"]:
        await http.delete(
            f"/v2/permissions/common/grants/{grant['id']}", headers=client_owner.auth()
        )
    assert await auth_status(http, CLIENT, PESEL) == 415


async def test_authorization_grants_are_listed_both_ways_and_revoked(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    client_owner = await login(http, CLIENT, nip=CLIENT)
    body = {
        "subjectIdentifier": {"type": "Nip", "value": OFFICE},
        "permission": "SelfInvoicing",
        "description": "Samofakturowanie",
        "subjectDetails": {"fullName": "Biuro Rachunkowe"},
    }
    granted = await post(client_owner, "authorizations/grants", body)
    assert_response(granted, "/permissions/authorizations/grants", "post")
    assert await operation_code(client_owner, granted) == 200
    given = await post(client_owner, "query/authorizations/grants", {"queryType": "Granted"})
    assert_response(given, "/permissions/query/authorizations/grants", "post")
    [grant] = given.json()["authorizationGrants"]
    office = await login(http, OFFICE, nip=OFFICE)
    received = await post(office, "query/authorizations/grants", {"queryType": "Received"})
    assert [g["id"] for g in received.json()["authorizationGrants"]] == [grant["id"]]
    revoked = await http.delete(
        f"/v2/permissions/authorizations/grants/{grant['id']}", headers=client_owner.auth()
    )
    assert_response(revoked, "/permissions/authorizations/grants/{permissionId}", "delete")
    assert await operation_code(client_owner, revoked) == 200
    after = await post(office, "query/authorizations/grants", {"queryType": "Received"})
    assert after.json()["authorizationGrants"] == []


async def test_subunit_administrator_is_granted_only_for_own_units(
    http: httpx.AsyncClient, sim: Simulator
) -> None:
    owner = await login(http, CLIENT, nip=CLIENT)
    body = {
        "subjectIdentifier": {"type": "Pesel", "value": PESEL},
        "contextIdentifier": {"type": "InternalId", "value": f"{CLIENT}-12345"},
        "description": "Administrator oddziału",
        "subunitName": "Oddział Kraków",
        "subjectDetails": PERSON,
    }
    granted = await post(owner, "subunits/grants", body)
    assert_response(granted, "/permissions/subunits/grants", "post")
    assert await operation_code(owner, granted) == 200
    body["contextIdentifier"] = {"type": "InternalId", "value": f"{OTHER_CLIENT}-12345"}
    assert await operation_code(owner, await post(owner, "subunits/grants", body)) == 410
    listed = await post(owner, "query/subunits/grants", {})
    assert_response(listed, "/permissions/query/subunits/grants", "post")
    assert [p["subunitIdentifier"]["value"] for p in listed.json()["permissions"]] == [
        f"{CLIENT}-12345"
    ]
    status = await http.get("/v2/permissions/attachments/status", headers=owner.auth())
    assert_response(status, "/permissions/attachments/status")
    assert status.json() == {"isAttachmentAllowed": False}
    await http.post("/v2/testdata/attachment", json={"nip": CLIENT})
    status = await http.get("/v2/permissions/attachments/status", headers=owner.auth())
    assert status.json() == {"isAttachmentAllowed": True}
