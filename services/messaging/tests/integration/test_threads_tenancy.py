"""Tenancy and bad input on every threads endpoint: other contexts see nothing, errors are clear."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest

from chassis.testing import TokenFactory, seed_assignment, seed_org


@pytest.fixture
async def orgs(pool: asyncpg.Pool) -> dict[str, UUID]:
    async with pool.acquire() as conn:
        office = await seed_org(conn, kind="office")
        other_office = await seed_org(conn, kind="office")
        company = await seed_org(conn, kind="company", office_id=office)
        neighbour = await seed_org(conn, kind="company", office_id=office)
        foreign = await seed_org(conn, kind="company", office_id=other_office)
        orphan = await seed_org(conn, kind="company")
    return {
        "office": office,
        "other_office": other_office,
        "company": company,
        "neighbour": neighbour,
        "foreign": foreign,
        "orphan": orphan,
    }


@pytest.fixture
async def thread_id(api: httpx.AsyncClient, tokens: TokenFactory, orgs: dict[str, UUID]) -> str:
    headers = tokens.headers(orgs["company"], org_kind="company", role="owner")
    response = await api.post(
        "/threads", json={"subject": "Pytanie", "body": "Treść"}, headers=headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["thread"]["id"])


def _endpoints(thread: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("GET", f"/threads/{thread}", None),
        ("GET", f"/threads/{thread}/messages", None),
        ("POST", f"/threads/{thread}/messages", {"body": "Hej"}),
        ("POST", f"/threads/{thread}/read", None),
    ]


@pytest.mark.parametrize(
    "outsider",
    ["other office admin", "neighbour company owner", "office employee not assigned"],
)
async def test_another_context_can_neither_read_nor_write_a_thread(
    api: httpx.AsyncClient,
    tokens: TokenFactory,
    orgs: dict[str, UUID],
    thread_id: str,
    outsider: str,
) -> None:
    headers = {
        "other office admin": tokens.headers(orgs["other_office"], org_kind="office", role="admin"),
        "neighbour company owner": tokens.headers(
            orgs["neighbour"], org_kind="company", role="owner"
        ),
        "office employee not assigned": tokens.headers(
            orgs["office"], org_kind="office", role="employee", all_clients=False
        ),
    }[outsider]
    for method, path, body in _endpoints(thread_id):
        response = await api.request(method, path, json=body, headers=headers)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["error"]["code"] == "thread_not_found"
    assert (await api.get("/threads", headers=headers)).json()["items"] == []
    assert (await api.get("/threads/unread", headers=headers)).json() == {"unread": 0}


async def test_office_staff_limited_to_assigned_clients_see_only_those(
    api: httpx.AsyncClient,
    tokens: TokenFactory,
    orgs: dict[str, UUID],
    thread_id: str,
    pool: asyncpg.Pool,
) -> None:
    user = uuid4()
    async with pool.acquire() as conn:
        await seed_assignment(conn, orgs["office"], user, orgs["company"])
    headers = tokens.headers(
        orgs["office"], org_kind="office", role="employee", user_id=user, all_clients=False
    )
    [listed] = (await api.get("/threads", headers=headers)).json()["items"]
    assert listed["thread"]["id"] == thread_id
    for method, path, body in _endpoints(thread_id):
        response = await api.request(method, path, json=body, headers=headers)
        assert response.status_code < 300, (path, response.text)


async def test_nobody_starts_a_thread_for_a_company_outside_their_context(
    api: httpx.AsyncClient, tokens: TokenFactory, orgs: dict[str, UUID]
) -> None:
    headers = tokens.headers(orgs["office"], org_kind="office", role="admin")
    for company in (orgs["foreign"], uuid4()):
        response = await api.post(
            "/threads",
            json={"company_id": str(company), "subject": "S", "body": "B"},
            headers=headers,
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "company_not_found"
    # A company user naming another company still writes only as itself: refused.
    client = tokens.headers(orgs["company"], org_kind="company", role="client")
    response = await api.post(
        "/threads",
        json={"company_id": str(orgs["neighbour"]), "subject": "S", "body": "B"},
        headers=client,
    )
    assert response.json()["error"]["code"] == "company_not_found"
    listed = await api.get("/threads", params={"company_id": str(orgs["foreign"])}, headers=headers)
    assert listed.status_code == 404


async def test_a_role_without_the_right_is_refused_everywhere(
    api: httpx.AsyncClient, tokens: TokenFactory, orgs: dict[str, UUID], thread_id: str
) -> None:
    headers = tokens.headers(orgs["company"], org_kind="company", role="service")
    calls = [
        *_endpoints(thread_id),
        ("GET", "/threads", None),
        ("GET", "/threads/unread", None),
        ("POST", "/threads", {"subject": "S", "body": "B"}),
        ("GET", "/threads/stream", None),
    ]
    for method, path, body in calls:
        response = await api.request(method, path, json=body, headers=headers)
        assert response.status_code == 403, (path, response.text)
        assert response.json()["error"]["code"] == "role_not_allowed"


async def test_without_a_token_nothing_is_shown(api: httpx.AsyncClient, thread_id: str) -> None:
    for path in ("/threads", f"/threads/{thread_id}", "/threads/stream", "/settings/notifications"):
        response = await api.get(path)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
    bad = await api.get("/threads/stream", params={"access_token": "not-a-token"})
    assert bad.status_code == 401


async def test_unknown_and_malformed_ids_are_refused_clearly(
    api: httpx.AsyncClient, tokens: TokenFactory, orgs: dict[str, UUID]
) -> None:
    headers = tokens.headers(orgs["company"], org_kind="company", role="owner")
    for method, path, body in _endpoints(str(uuid4())):
        response = await api.request(method, path, json=body, headers=headers)
        assert response.status_code == 404
        assert response.json()["error"] == {
            "code": "thread_not_found",
            "message": "Nie znaleziono wątku.",
        }
    malformed = await api.get("/threads/not-a-uuid/messages", headers=headers)
    assert malformed.status_code == 422
    assert malformed.json()["error"]["code"] == "invalid_input"
    assert malformed.json()["error"]["details"][0]["field"] == "path.thread_id"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": "S", "body": ""}, "body.body"),
        ({"subject": "", "body": "B"}, "body.subject"),
        ({"subject": "S", "body": "x" * 10001}, "body.body"),
        (
            {"subject": "S", "body": "B", "attachments": [{"file_id": "x", "name": "a"}]},
            "body.attachments.0.file_id",
        ),
        (
            {"subject": "S", "body": "B", "attachments": [{"file_id": str(uuid4()), "name": ""}]},
            "body.attachments.0.name",
        ),
        (
            {
                "subject": "S",
                "body": "B",
                "attachments": [{"file_id": str(uuid4()), "name": "a"}] * 21,
            },
            "body.attachments",
        ),
    ],
)
async def test_bad_message_input_names_the_field(
    api: httpx.AsyncClient,
    tokens: TokenFactory,
    orgs: dict[str, UUID],
    body: dict[str, Any],
    field: str,
) -> None:
    headers = tokens.headers(orgs["company"], org_kind="company", role="owner")
    response = await api.post("/threads", json=body, headers=headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"] == "Przesłane dane są nieprawidłowe."
    assert field in [d["field"] for d in error["details"]]


async def test_starting_a_thread_needs_a_company_with_an_office(
    api: httpx.AsyncClient, tokens: TokenFactory, orgs: dict[str, UUID]
) -> None:
    office = tokens.headers(orgs["office"], org_kind="office", role="admin")
    response = await api.post("/threads", json={"subject": "S", "body": "B"}, headers=office)
    assert (response.status_code, response.json()["error"]["code"]) == (422, "company_required")
    orphan = tokens.headers(orgs["orphan"], org_kind="company", role="owner")
    response = await api.post("/threads", json={"subject": "S", "body": "B"}, headers=orphan)
    assert (response.status_code, response.json()["error"]["code"]) == (
        409,
        "company_has_no_office",
    )


async def test_bad_notification_settings_are_refused(
    api: httpx.AsyncClient, tokens: TokenFactory, orgs: dict[str, UUID]
) -> None:
    headers = tokens.headers(orgs["company"], org_kind="company", role="owner")
    unknown = await api.put(
        "/settings/notifications", json={"email": {"account": False}}, headers=headers
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "unknown_category"
    assert unknown.json()["error"]["details"]["unknown"] == ["account"]
    not_bool = await api.put(
        "/settings/notifications", json={"email": {"tax_due": "maybe"}}, headers=headers
    )
    assert not_bool.status_code == 422
    assert not_bool.json()["error"]["code"] == "invalid_input"
