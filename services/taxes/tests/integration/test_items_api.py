"""Entering, correcting, copying and deleting items, with defaults and clear refusals."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from taxes import accounts

Headers = dict[str, str]


async def test_vat_defaults_to_the_micro_account_with_the_structured_title(
    create: Any, pool: asyncpg.Pool, tenants: Any
) -> None:
    item = await create()
    assert item["account"] == accounts.tax_micro_account("5261040828")
    assert accounts.is_valid_nrb(item["account"])
    assert item["title"] == "/TI/N5261040828/OKR/26M10/SFP/VAT-7/TXT/"
    assert (item["recipient"], item["transfer"], item["status"]) == (
        "Urząd Skarbowy",
        "tax",
        "pending",
    )
    [event] = await pool.fetch("SELECT topic, key, payload FROM outbox")
    assert (event["topic"], event["key"]) == ("tax.item.created", str(tenants.company))
    data = event["payload"]["data"]
    assert (data["item_id"], data["amount_grosze"], data["period"]) == (
        item["id"],
        123456,
        "2026-10",
    )


async def test_zus_goes_to_the_payers_contribution_account(create: Any) -> None:
    item = await create(kind="zus", amount_grosze=180000, due_date="2026-11-16")
    assert item["account"] == accounts.zus_contribution_account("5261040828")
    assert item["account"][2:10] == "60000002"
    assert item["account"].endswith("5261040828")
    assert (item["title"], item["transfer"]) == ("Składki ZUS za 10/2026", "ordinary")


async def test_pit_with_own_form_symbol_quarter_and_liability(create: Any) -> None:
    item = await create(
        kind="pit", form_symbol="pit-4r", tax_period="26k03", liability_id="DEC 1/26"
    )
    assert item["title"] == "/TI/N5261040828/OKR/26K03/SFP/PIT-4R/TXT/DEC 1/26"


async def test_split_payment_fee_gets_the_mpp_title(create: Any) -> None:
    item = await create(
        kind="other",
        amount_grosze=123000,
        account="61 1090 1014 0000 0712 1981 2874",
        recipient="Dostawca S.A.",
        title="usługi",
        split_payment={"vat_grosze": 23000, "nip": "7740001454", "invoice": "FV/12/2026"},
    )
    assert item["title"] == "/VAT/230,00/IDC/7740001454/INV/FV/12/2026/TXT/usługi"
    assert (item["transfer"], item["account"]) == ("split", "61109010140000071219812874")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"amount_grosze": -100}, "invalid_input"),
        ({"amount_grosze": 0}, "invalid_input"),
        ({"period": "2026-13"}, "invalid_period"),
        ({"period": "2026-00"}, "invalid_period"),
        ({"due_date": "2026-02-30"}, "invalid_input"),
        ({"due_date": "2026-09-30"}, "due_before_period"),
        ({"account": "12345678901234567890123456"}, "invalid_account"),
        ({"kind": "zus", "account": "61109010140000071219812874"}, "not_zus_account"),
        ({"kind": "ppk"}, "account_required"),
        ({"kind": "other", "account": "61109010140000071219812874"}, "recipient_required"),
        ({"tax_period": "26M13"}, "invalid_tax_period"),
        ({"kind": "bus"}, "invalid_input"),
        (
            {
                "kind": "other",
                "account": "61109010140000071219812874",
                "recipient": "X",
                "split_payment": {"vat_grosze": 999999, "nip": "7740001454", "invoice": "1"},
            },
            "invalid_split_payment",
        ),
    ],
)
async def test_bad_items_are_refused_with_a_code_and_a_polish_message(
    api: httpx.AsyncClient,
    office_headers: Headers,
    tenants: Any,
    pool: asyncpg.Pool,
    body: dict[str, Any],
    code: str,
) -> None:
    payload = {"kind": "vat", "period": "2026-10", "amount_grosze": 100, "due_date": "2026-11-25"}
    response = await api.post(
        f"/companies/{tenants.company}/items", json=payload | body, headers=office_headers
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"].endswith(".")
    assert len(error["message"]) > 10
    assert await pool.fetchval("SELECT count(*) FROM tax_items") == 0


async def test_office_corrects_an_item_and_null_restores_the_default(
    api: httpx.AsyncClient, office_headers: Headers, tenants: Any, create: Any
) -> None:
    item = await create(kind="zus", account="68600000020260015951416168")
    url = f"/companies/{tenants.company}/items/{item['id']}"
    response = await api.patch(
        url, json={"amount_grosze": 5000, "account": None}, headers=office_headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["amount_grosze"] == 5000
    assert response.json()["account"] == accounts.zus_contribution_account("5261040828")


async def test_amount_cannot_go_below_what_was_paid_and_paid_items_stay(
    api: httpx.AsyncClient, office_headers: Headers, tenants: Any, create: Any
) -> None:
    item = await create(amount_grosze=10000)
    url = f"/companies/{tenants.company}/items/{item['id']}"
    paid = await api.post(url + "/payments", json={"amount_grosze": 6000}, headers=office_headers)
    assert paid.status_code == 201, paid.text
    low = await api.patch(url, json={"amount_grosze": 5000}, headers=office_headers)
    assert (low.status_code, low.json()["error"]["code"]) == (409, "amount_below_paid")
    deleted = await api.delete(url, headers=office_headers)
    assert (deleted.status_code, deleted.json()["error"]["code"]) == (409, "item_has_payments")


async def test_office_deletes_an_item_without_payments(
    api: httpx.AsyncClient, office_headers: Headers, tenants: Any, create: Any
) -> None:
    item = await create()
    url = f"/companies/{tenants.company}/items/{item['id']}"
    assert (await api.delete(url, headers=office_headers)).status_code == 204
    assert (await api.get(url, headers=office_headers)).json()["error"]["code"] == "item_not_found"


async def test_copy_previous_month_across_the_year_moves_everything_a_month_on(
    api: httpx.AsyncClient, office_headers: Headers, tenants: Any, create: Any
) -> None:
    await create(period="2026-12", due_date="2027-01-26")
    await create(kind="zus", period="2026-12", due_date="2027-01-15", amount_grosze=1000)
    url = f"/companies/{tenants.company}/months/2027-01/copy-previous"
    response = await api.post(url, headers=office_headers)
    assert response.status_code == 201, response.text
    copied = {i["kind"]: i for i in response.json()}
    assert copied["vat"]["title"] == "/TI/N5261040828/OKR/27M01/SFP/VAT-7/TXT/"
    assert (copied["vat"]["period"], copied["vat"]["due_date"]) == ("2027-01", "2027-02-26")
    assert copied["zus"]["title"] == "Składki ZUS za 01/2027"
    again = await api.post(url, headers=office_headers)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "month_not_empty")
    empty = await api.post(
        f"/companies/{tenants.company}/months/2026-06/copy-previous", headers=office_headers
    )
    assert (empty.status_code, empty.json()["error"]["code"]) == (404, "nothing_to_copy")
