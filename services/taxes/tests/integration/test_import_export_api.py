"""CSV import (all rows or none, every bad row named) and the Elixir-O export over HTTP."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from taxes import accounts

Headers = dict[str, str]
OWN = "61109010140000071219812874"
CSV_HEADERS = {"Content-Type": "text/csv"}


async def test_import_creates_items_for_several_companies_from_excel_style_csv(
    api: httpx.AsyncClient, office_headers: Headers, tenants: Any, pool: asyncpg.Pool
) -> None:
    async with pool.acquire() as raw:
        conn: Any = raw  # seed_* is typed for a plain Connection
        from chassis.testing import seed_org

        second = await seed_org(conn, office_id=tenants.office, nip="1111111111")
    text = (
        "NIP;Kind;Period;Amount;Due_date;Account;Recipient;Title\r\n"
        "526-104-08-28;VAT;2026-10;1 234,56;25.11.2026;;;\r\n"
        "1111111111;zus;2026-10;1800;2026-11-16;;;\r\n"
        "1111111111;other;2026-10;99,90;2026-11-30;61109010140000071219812874;Biuro;Abonament\r\n"
    )
    response = await api.post(
        "/items/import", content=text.encode("cp1250"), headers=office_headers | CSV_HEADERS
    )
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["created"] == 3
    assert [(i["company_id"], i["amount_grosze"]) for i in result["items"]] == [
        (str(tenants.company), 123456),
        (str(second), 180000),
        (str(second), 9990),
    ]
    assert result["items"][1]["account"] == accounts.zus_contribution_account("1111111111")
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE topic = 'tax.item.created'") == 3


async def test_one_bad_row_saves_nothing_and_every_bad_row_is_named(
    api: httpx.AsyncClient, office_headers: Headers, pool: asyncpg.Pool, tenants: Any
) -> None:
    text = (
        "nip,kind,period,amount,due_date,account\n"
        "5261040828,vat,2026-10,100,2026-11-25,\n"
        "5261040828,vat,2026-13,100,2026-11-25,\n"
        "5261040828,vat,2026-10,-5,2026-11-25,\n"
        "7740001454,vat,2026-10,100,2026-11-25,\n"
        "5261040828,ppk,2026-10,100,2026-11-25,\n"
        "5261040828,vat,2026-10,100,2026-11-25,123\n"
    )
    response = await api.post("/items/import", content=text, headers=office_headers | CSV_HEADERS)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_csv"
    assert [(d["row"], d["field"], d["code"]) for d in error["details"]] == [
        (3, "period", "invalid_period"),
        (4, "amount", "invalid_amount"),
        (5, "nip", "company_not_found"),  # another office's client
        (6, "account", "account_required"),
        (7, "account", "invalid_account"),
    ]
    assert await pool.fetchval("SELECT count(*) FROM tax_items") == 0


async def test_csv_without_required_columns_is_refused(
    api: httpx.AsyncClient, office_headers: Headers
) -> None:
    response = await api.post("/items/import", content="nip;kind\n1;vat\n", headers=office_headers)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["code"] == "missing_columns"


async def test_export_is_the_exact_elixir_file_for_what_is_still_owed(
    api: httpx.AsyncClient, company_headers: Headers, tenants: Any, create: Any
) -> None:
    vat = await create(amount_grosze=123456, due_date="2026-11-25")
    zus = await create(kind="zus", amount_grosze=150000, due_date="2026-11-05")
    paid = f"/companies/{tenants.company}/items/{zus['id']}/payments"
    await api.post(paid, json={"amount_grosze": 50000}, headers=company_headers)
    response = await api.post(
        f"/companies/{tenants.company}/transfers/elixir",
        json={"item_ids": [vat["id"], zus["id"]], "from_account": "PL" + OWN},
        headers=company_headers,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; charset=windows-1250"
    assert 'filename="przelewy-5261040828-20261110.pli"' in response.headers["content-disposition"]
    micro, nrs = (
        accounts.tax_micro_account("5261040828"),
        accounts.zus_contribution_account("5261040828"),
    )
    expected = (
        # ZUS is overdue (due 5 Nov, today 10 Nov): dated today; VAT on its due date.
        f'110,20261110,100000,10901014,0,"{OWN}","{nrs}","Piekarnia Kowalski",'
        '"Zakład Ubezpieczeń Społecznych",0,60000002,"Składki ZUS za 10/2026","","","51",""\r\n'
        f'110,20261125,123456,10901014,0,"{OWN}","{micro}","Piekarnia Kowalski",'
        '"Urząd Skarbowy",0,10100071,"/TI/N5261040828/OKR/26M10/SFP/VAT-7|/TXT/","","","71",""\r\n'
    ).encode("cp1250")
    assert response.content == expected


async def test_export_refuses_paid_items_bad_accounts_and_past_dates(
    api: httpx.AsyncClient, company_headers: Headers, tenants: Any, create: Any
) -> None:
    item = await create(amount_grosze=100)
    url = f"/companies/{tenants.company}/transfers/elixir"
    body = {"item_ids": [item["id"]], "from_account": OWN}
    bad = await api.post(url, json=body | {"from_account": "1" * 26}, headers=company_headers)
    assert bad.json()["error"]["code"] == "invalid_account"
    past = await api.post(
        url, json=body | {"execution_date": "2026-11-09"}, headers=company_headers
    )
    assert past.json()["error"]["code"] == "execution_date_in_past"
    await api.post(
        f"/companies/{tenants.company}/items/{item['id']}/payments",
        json={},
        headers=company_headers,
    )
    done = await api.post(url, json=body, headers=company_headers)
    assert (done.status_code, done.json()["error"]["code"]) == (409, "item_already_paid")
