"""Threads API on the real PostgreSQL: conversation, unread counts, e-mails, events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest

from chassis.testing import TokenFactory, seed_org


@dataclass
class Scene:
    office: UUID
    company: UUID
    office_user: UUID
    office_email: str
    client_user: UUID
    client_email: str
    office_headers: dict[str, str]
    client_headers: dict[str, str]


@pytest.fixture
async def scene(pool: asyncpg.Pool, tokens: TokenFactory, people: Any) -> Scene:
    async with pool.acquire() as conn:
        office = await seed_org(conn, kind="office")
        company = await seed_org(conn, kind="company", office_id=office, name="Piekarnia Kowalski")
    office_user, office_email = await people.add(
        office, kind="office", role="employee", full_name="Ewa Księgowa"
    )
    client_user, client_email = await people.add(
        company, kind="company", role="client", full_name="Jan Kowalski"
    )
    return Scene(
        office=office,
        company=company,
        office_user=office_user,
        office_email=office_email,
        client_user=client_user,
        client_email=client_email,
        office_headers=tokens.headers(
            office, org_kind="office", role="employee", user_id=office_user
        ),
        client_headers=tokens.headers(
            company, org_kind="company", role="client", user_id=client_user
        ),
    )


async def _start(api: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    payload = {"subject": "Faktura za prąd", "body": "Czy mam ją opłacić?", **body}
    response = await api.post("/threads", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_a_conversation_in_order_with_unread_counts_on_both_sides(
    api: httpx.AsyncClient, scene: Scene, files: Any
) -> None:
    started = await _start(api, scene.client_headers)
    thread_id = started["thread"]["id"]
    assert started["thread"]["company_id"] == str(scene.company)
    assert started["message"]["author_side"] == "company"
    assert started["message"]["author_name"] == "Jan Kowalski"

    [listed] = (await api.get("/threads", headers=scene.office_headers)).json()["items"]
    assert (listed["unread"], listed["company_name"]) == (1, "Piekarnia Kowalski")
    assert listed["last_message"]["body"] == "Czy mam ją opłacić?"
    # The author has nothing unread in their own message.
    [own] = (await api.get("/threads", headers=scene.client_headers)).json()["items"]
    assert own["unread"] == 0

    reply = await api.post(
        f"/threads/{thread_id}/messages",
        json={
            "body": "Tak, do 15-go.",
            "attachments": [{"file_id": str(files.add(scene.company)), "name": "a.pdf"}],
        },
        headers=scene.office_headers,
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["author_side"] == "office"
    assert (await api.get("/threads/unread", headers=scene.office_headers)).json() == {"unread": 0}
    assert (await api.get("/threads/unread", headers=scene.client_headers)).json() == {"unread": 1}

    messages = (
        await api.get(f"/threads/{thread_id}/messages", headers=scene.client_headers)
    ).json()
    assert [m["body"] for m in messages["items"]] == ["Czy mam ją opłacić?", "Tak, do 15-go."]
    assert [a["name"] for a in messages["items"][1]["attachments"]] == ["a.pdf"]

    read = await api.post(f"/threads/{thread_id}/read", headers=scene.client_headers)
    assert read.status_code == 204
    assert (await api.get("/threads/unread", headers=scene.client_headers)).json() == {"unread": 0}


async def test_each_message_emails_the_other_side_and_is_published_once(
    api: httpx.AsyncClient, scene: Scene, pool: asyncpg.Pool
) -> None:
    started = await _start(api, scene.client_headers)
    thread_id = started["thread"]["id"]
    await api.post(
        f"/threads/{thread_id}/messages", json={"body": "Odpowiedź"}, headers=scene.office_headers
    )
    emails = await pool.fetch(
        "SELECT to_email, template, status, subject, body_text FROM emails ORDER BY created_at"
    )
    assert [(e["to_email"], e["template"], e["status"]) for e in emails] == [
        (scene.office_email, "new_message", "pending"),
        (scene.client_email, "new_message", "pending"),
    ]
    assert emails[1]["subject"] == "Nowa wiadomość: Faktura za prąd"
    assert f"https://rachmistrz.example/wiadomosci/{thread_id}" in emails[1]["body_text"]
    events = await pool.fetch("SELECT topic, key, payload FROM outbox ORDER BY id")
    assert [(e["topic"], e["key"]) for e in events] == [("message.posted", str(scene.company))] * 2
    assert [e["payload"]["data"]["author_side"] for e in events] == ["company", "office"]


async def test_a_user_who_switched_new_messages_off_gets_no_email(
    api: httpx.AsyncClient, scene: Scene, pool: asyncpg.Pool
) -> None:
    off = await api.put(
        "/settings/notifications",
        json={"email": {"new_message": False}},
        headers=scene.office_headers,
    )
    assert off.status_code == 200
    assert {c["key"]: c["enabled"] for c in off.json()["email"]} == {
        "new_message": False,
        "tax_due": True,
        "invoices": True,
    }
    await _start(api, scene.client_headers)
    assert await pool.fetchval("SELECT status FROM emails") == "skipped"


async def test_an_office_starts_a_thread_with_a_client_company(
    api: httpx.AsyncClient, scene: Scene
) -> None:
    started = await _start(api, scene.office_headers, company_id=str(scene.company))
    assert started["message"]["author_side"] == "office"
    [listed] = (await api.get("/threads", headers=scene.client_headers)).json()["items"]
    assert listed["thread"]["id"] == started["thread"]["id"]
    filtered = await api.get(
        "/threads", params={"company_id": str(scene.company)}, headers=scene.office_headers
    )
    assert len(filtered.json()["items"]) == 1


async def test_threads_page_by_latest_activity(api: httpx.AsyncClient, scene: Scene) -> None:
    ids = [
        (await _start(api, scene.client_headers, subject=f"W{i}"))["thread"]["id"] for i in range(3)
    ]
    first = (await api.get("/threads", params={"limit": 2}, headers=scene.office_headers)).json()
    assert [t["thread"]["id"] for t in first["items"]] == [ids[2], ids[1]]
    rest = await api.get(
        "/threads",
        params={"limit": 2, "before": first["next_before"]},
        headers=scene.office_headers,
    )
    assert [t["thread"]["id"] for t in rest.json()["items"]] == [ids[0]]


async def test_notification_settings_belong_to_each_user(
    api: httpx.AsyncClient, scene: Scene
) -> None:
    await api.put(
        "/settings/notifications", json={"email": {"tax_due": False}}, headers=scene.client_headers
    )
    mine = (await api.get("/settings/notifications", headers=scene.client_headers)).json()
    theirs = (await api.get("/settings/notifications", headers=scene.office_headers)).json()
    assert {c["key"]: c["enabled"] for c in mine["email"]}["tax_due"] is False
    assert all(c["enabled"] for c in theirs["email"])
    assert all(c["label"] for c in theirs["email"])
