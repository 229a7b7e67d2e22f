"""The two tabs, month folders, paging, attachments and deleting, with tenancy and roles."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from minio import Minio

from chassis.testing import seed_assignment

Upload = Callable[..., Awaitable[httpx.Response]]


async def test_tabs_show_each_side_and_months_group_the_files(
    api: httpx.AsyncClient, upload: Upload, users: Any, orgs: Any
) -> None:
    from_office = (await upload(users.office(), "deklaracja.pdf", month="2026-09")).json()
    from_company = (await upload(users.company(), "faktura.pdf", month="2026-10")).json()
    also_company = (await upload(users.company("employee"), "wyciąg.pdf", month="2026-10")).json()
    base = f"/companies/{orgs.company}/files"
    office_tab = (await api.get(base, params={"side": "office"}, headers=users.company())).json()
    company_tab = (await api.get(base, params={"side": "company"}, headers=users.office())).json()
    assert [f["id"] for f in office_tab["items"]] == [from_office["id"]]
    assert [f["id"] for f in company_tab["items"]] == [also_company["id"], from_company["id"]]
    # each side may delete only its own: the UI shows the button from this flag
    assert [f["deletable"] for f in company_tab["items"]] == [False, False]
    october = (await api.get(base, params={"month": "2026-10"}, headers=users.office())).json()
    assert {f["id"] for f in october["items"]} == {from_company["id"], also_company["id"]}
    months = (await api.get(f"{base}/months", headers=users.company())).json()
    assert months == [{"month": "2026-10", "files": 2}, {"month": "2026-09", "files": 1}]
    office_months = await api.get(
        f"{base}/months", params={"side": "office"}, headers=users.office()
    )
    assert office_months.json() == [{"month": "2026-09", "files": 1}]


async def test_keyset_pages_cover_every_file_once(
    api: httpx.AsyncClient, upload: Upload, users: Any, orgs: Any
) -> None:
    ids = [(await upload(users.company(), f"plik{i}.pdf")).json()["id"] for i in range(5)]
    seen, after = [], None
    for _ in range(4):
        params: dict[str, Any] = {"limit": 2, **({"after": after} if after else {})}
        page = (
            await api.get(f"/companies/{orgs.company}/files", params=params, headers=users.office())
        ).json()
        seen += [f["id"] for f in page["items"]]
        after = page["next_after"]
        if after is None:
            break
    assert seen == list(reversed(ids))


async def test_a_bad_cursor_is_refused(api: httpx.AsyncClient, users: Any, orgs: Any) -> None:
    response = await api.get(
        f"/companies/{orgs.company}/files", params={"after": "nonsense!"}, headers=users.office()
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_cursor"


async def test_attachments_are_found_by_thread_and_by_ids(
    api: httpx.AsyncClient, upload: Upload, users: Any, orgs: Any
) -> None:
    thread = uuid4()
    attached = (await upload(users.company(), "załącznik.pdf", thread_id=str(thread))).json()
    await upload(users.company(), "inny.pdf")
    assert attached["purpose"] == "attachment"
    assert attached["thread_id"] == str(thread)
    base = f"/companies/{orgs.company}/files"
    by_thread = await api.get(base, params={"thread_id": str(thread)}, headers=users.office())
    assert [f["id"] for f in by_thread.json()["items"]] == [attached["id"]]
    looked_up = await api.post(
        f"{base}/lookup", json={"ids": [attached["id"], str(uuid4())]}, headers=users.office()
    )
    assert [f["id"] for f in looked_up.json()] == [attached["id"]]


async def test_only_the_uploading_side_deletes_and_the_bytes_go(
    api: httpx.AsyncClient,
    upload: Upload,
    users: Any,
    orgs: Any,
    pool: asyncpg.Pool,
    minio: Minio,
    bucket: str,
) -> None:
    created = (await upload(users.company(), "faktura.pdf")).json()
    url = f"/companies/{orgs.company}/files/{created['id']}"
    refused = await api.delete(url, headers=users.office("admin"))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_uploader_side"
    assert (await api.delete(url, headers=users.company("client"))).status_code == 204
    assert (await api.get(url, headers=users.company())).json()["error"]["code"] == (
        "file_not_found"
    )
    assert (await api.delete(url, headers=users.company())).status_code == 404
    assert list(minio.list_objects(bucket, recursive=True)) == []
    row = await pool.fetchrow(
        "SELECT deleted_at, purged_at FROM files WHERE id = $1", created["id"]
    )
    assert row["deleted_at"] is not None
    assert row["purged_at"] is not None


async def test_unknown_ids_are_not_found(api: httpx.AsyncClient, users: Any, orgs: Any) -> None:
    base = f"/companies/{orgs.company}/files/{uuid4()}"
    for response in (
        await api.get(base, headers=users.company()),
        await api.get(f"{base}/download", headers=users.company()),
        await api.delete(base, headers=users.company()),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "file_not_found"
    malformed = await api.get(f"/companies/{orgs.company}/files/not-a-uuid", headers=users.office())
    assert malformed.status_code == 422


def _every_endpoint(company: Any, file_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    base = f"/companies/{company}/files"
    return [
        ("POST", base, {"files": {"file": ("x.pdf", b"%PDF-1.4\n", "application/pdf")}}),
        ("GET", base, {}),
        ("GET", f"{base}/months", {}),
        ("POST", f"{base}/lookup", {"json": {"ids": [file_id]}}),
        ("GET", f"{base}/{file_id}", {}),
        ("GET", f"{base}/{file_id}/download", {}),
        ("DELETE", f"{base}/{file_id}", {}),
    ]


@pytest.mark.parametrize("who", ["other_office", "other_company", "sister_company", "unassigned"])
async def test_other_tenants_can_neither_see_nor_change_a_company_s_files(
    api: httpx.AsyncClient,
    upload: Upload,
    users: Any,
    orgs: Any,
    tokens: Any,
    pool: asyncpg.Pool,
    who: str,
) -> None:
    created = (await upload(users.company(), "tajne.pdf")).json()
    headers = {
        "other_office": tokens.headers(orgs.other_office, org_kind="office", role="admin"),
        "other_company": tokens.headers(orgs.other_company, org_kind="company", role="owner"),
        "sister_company": tokens.headers(orgs.sister, org_kind="company", role="owner"),
        # office staff limited to assigned clients, assigned only to the sister company
        "unassigned": users.office(all_clients=False),
    }[who]
    async with pool.acquire() as conn:
        await seed_assignment(conn, orgs.office, users.office_user, orgs.sister)
    for method, url, kwargs in _every_endpoint(orgs.company, created["id"]):
        response = await api.request(method, url, headers=headers, **kwargs)
        assert response.status_code == 404, (method, url, response.text)
        assert response.json()["error"]["code"] == "company_not_found"
    assert await pool.fetchval("SELECT count(*) FROM files WHERE deleted_at IS NULL") == 1


async def test_assigned_office_staff_reach_their_client(
    api: httpx.AsyncClient, upload: Upload, users: Any, orgs: Any, pool: asyncpg.Pool
) -> None:
    async with pool.acquire() as conn:
        await seed_assignment(conn, orgs.office, users.office_user, orgs.company)
    response = await upload(users.office(all_clients=False), "dla klienta.pdf")
    assert response.status_code == 201, response.text
    assert response.json()["side"] == "office"


@pytest.mark.parametrize(("org_kind", "role"), [("company", "service"), ("office", "viewer")])
async def test_a_role_without_the_right_is_forbidden_everywhere(
    api: httpx.AsyncClient,
    upload: Upload,
    users: Any,
    orgs: Any,
    tokens: Any,
    org_kind: str,
    role: str,
) -> None:
    created = (await upload(users.company(), "faktura.pdf")).json()
    org = orgs.company if org_kind == "company" else orgs.office
    headers = tokens.headers(org, org_kind=org_kind, role=role)
    for method, url, kwargs in _every_endpoint(orgs.company, created["id"]):
        response = await api.request(method, url, headers=headers, **kwargs)
        assert response.status_code == 403, (method, url, response.text)
        assert response.json()["error"]["code"] == "forbidden"


async def test_without_a_token_nothing_is_shown(
    api: httpx.AsyncClient, upload: Upload, users: Any, orgs: Any
) -> None:
    created = (await upload(users.company(), "faktura.pdf")).json()
    for method, url, kwargs in _every_endpoint(orgs.company, created["id"]):
        response = await api.request(method, url, **kwargs)
        assert response.status_code == 401, (method, url)
        assert response.json()["error"]["code"] == "unauthenticated"
