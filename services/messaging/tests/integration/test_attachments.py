"""Attachments must be files of the thread's company that the files service confirms;
otherwise nothing is written and the caller gets a clear 422."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest

from chassis.testing import TokenFactory, seed_org
from messaging.files_client import FilesClient


@pytest.fixture
async def orgs(pool: asyncpg.Pool) -> dict[str, UUID]:
    async with pool.acquire() as conn:
        office = await seed_org(conn, kind="office")
        company = await seed_org(conn, kind="company", office_id=office)
        neighbour = await seed_org(conn, kind="company", office_id=office)
    return {"office": office, "company": company, "neighbour": neighbour}


@pytest.fixture
def owner(tokens: TokenFactory, orgs: dict[str, UUID]) -> dict[str, str]:
    return tokens.headers(orgs["company"], org_kind="company", role="owner")


async def written(pool: asyncpg.Pool) -> tuple[int, int, int, int]:
    row = await pool.fetchrow(
        "SELECT (SELECT count(*) FROM threads) t, (SELECT count(*) FROM messages) m,"
        " (SELECT count(*) FROM outbox) o, (SELECT count(*) FROM emails) e"
    )
    assert row is not None
    return row["t"], row["m"], row["o"], row["e"]


def attaching(*file_ids: UUID) -> list[dict[str, str]]:
    return [{"file_id": str(f), "name": f"plik-{i}.pdf"} for i, f in enumerate(file_ids)]


async def start(api: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> httpx.Response:
    return await api.post(
        "/threads", json={"subject": "Umowa", "body": "W załączniku", **body}, headers=headers
    )


async def test_a_file_of_the_company_is_attached_and_the_callers_token_asked_files(
    api: httpx.AsyncClient, files: Any, orgs: dict[str, UUID], owner: dict[str, str]
) -> None:
    mine = files.add(orgs["company"])
    started = await start(api, owner, attachments=attaching(mine, mine))
    assert started.status_code == 201, started.text
    assert [a["file_id"] for a in started.json()["message"]["attachments"]] == [str(mine)] * 2
    [asked] = files.requests
    assert asked.url.path == f"/companies/{orgs['company']}/files/lookup"
    assert asked.headers["authorization"] == owner["Authorization"]
    assert asked.read() == f'{{"ids":["{mine}"]}}'.encode()


async def test_files_is_not_asked_when_there_is_nothing_attached(
    api: httpx.AsyncClient, files: Any, owner: dict[str, str]
) -> None:
    assert (await start(api, owner)).status_code == 201
    assert files.requests == []


@pytest.mark.parametrize("whose", ["another company", "nobody (deleted or never uploaded)"])
async def test_a_new_thread_with_a_file_files_does_not_confirm_is_refused(
    api: httpx.AsyncClient,
    files: Any,
    pool: asyncpg.Pool,
    orgs: dict[str, UUID],
    owner: dict[str, str],
    whose: str,
) -> None:
    good = files.add(orgs["company"])
    bad = files.add(orgs["neighbour"]) if whose == "another company" else uuid4()
    before = await written(pool)
    refused = await start(api, owner, attachments=attaching(good, bad))
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert (error["code"], error["details"]) == ("attachment_not_found", {"file_ids": [str(bad)]})
    assert "pliku" in error["message"]
    assert await written(pool) == before


async def test_a_reply_with_an_unconfirmed_file_writes_nothing(
    api: httpx.AsyncClient,
    files: Any,
    pool: asyncpg.Pool,
    orgs: dict[str, UUID],
    owner: dict[str, str],
    tokens: TokenFactory,
) -> None:
    thread = (await start(api, owner)).json()["thread"]["id"]
    office = tokens.headers(orgs["office"], org_kind="office", role="admin")
    before = await written(pool)
    refused = await api.post(
        f"/threads/{thread}/messages",
        json={"body": "Proszę", "attachments": attaching(files.add(orgs["neighbour"]))},
        headers=office,
    )
    assert refused.json()["error"]["code"] == "attachment_not_found"
    assert await written(pool) == before
    accepted = await api.post(
        f"/threads/{thread}/messages",
        json={"body": "Proszę", "attachments": attaching(files.add(orgs["company"]))},
        headers=office,
    )
    assert accepted.status_code == 201, accepted.text


async def test_an_outsider_learns_nothing_and_files_is_never_asked(
    api: httpx.AsyncClient,
    files: Any,
    orgs: dict[str, UUID],
    owner: dict[str, str],
    tokens: TokenFactory,
) -> None:
    thread = (await start(api, owner)).json()["thread"]["id"]
    neighbour = tokens.headers(orgs["neighbour"], org_kind="company", role="owner")
    attachments = attaching(files.add(orgs["company"]))
    reply = await api.post(
        f"/threads/{thread}/messages",
        json={"body": "x", "attachments": attachments},
        headers=neighbour,
    )
    assert reply.json()["error"]["code"] == "thread_not_found"
    other = await start(api, neighbour, company_id=str(orgs["company"]), attachments=attachments)
    assert other.json()["error"]["code"] == "company_not_found"
    office = tokens.headers(orgs["office"], org_kind="office", role="employee", all_clients=False)
    unassigned = await start(api, office, company_id=str(orgs["company"]), attachments=attachments)
    assert unassigned.json()["error"]["code"] == "company_not_found"
    assert files.requests == []


async def test_when_files_cannot_answer_nothing_is_written_and_the_caller_may_retry(
    api: httpx.AsyncClient,
    pool: asyncpg.Pool,
    orgs: dict[str, UUID],
    owner: dict[str, str],
    dead_smtp_port: int,
) -> None:
    transport = api._transport  # the app behind the test client
    app: Any = transport.app  # type: ignore[attr-defined]
    app.state.files_client = FilesClient(f"http://127.0.0.1:{dead_smtp_port}", timeout=2)
    before = await written(pool)
    down = await start(api, owner, attachments=attaching(uuid4()))
    assert down.status_code == 503
    assert down.json()["error"]["code"] == "files_unavailable"
    assert await written(pool) == before
