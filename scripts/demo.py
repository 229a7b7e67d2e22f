"""Demo onboarding through the public APIs, as an office would do it (called by demo.sh).

The accounts already exist (`python -m auth.bootstrap demo`). This logs in as the office
administrator, registers the office's certificate for central authorisation, lets every client
grant the office access in the KSeF simulator (its TEST-environment `/testdata` endpoint), and
switches each client to the office's authorisation; the gateway's scheduler then pulls the
invoices. Idempotent: every step checks what is already there.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from typing import Any

import httpx

from ksef_gateway.testing import self_signed

OFFICE_EMAIL = "admin@demo.rachmistrz.pl"
ACCOUNTANT_EMAIL = "ksiegowa@demo.rachmistrz.pl"
CLIENT_EMAIL = "jan.kowalski@piekarnia.demo.rachmistrz.pl"
# The client whose KSeF access is left ungranted, so the office sees a "no permission" status.
UNGRANTED_NIP = "1132853869"


def login(api: httpx.Client, email: str, password: str, kind: str) -> tuple[str, str]:
    """(access token, org id) of the user's first context of `kind`."""
    first = api.post("/api/auth/login", json={"email": email, "password": password})
    first.raise_for_status()
    contexts = [c for c in first.json()["contexts"] if c["org"]["kind"] == kind]
    org_id = contexts[0]["org"]["id"]
    second = api.post(
        "/api/auth/login", json={"email": email, "password": password, "org_id": org_id}
    )
    second.raise_for_status()
    return second.json()["access_token"], org_id


def retry(call: Any, what: str, seconds: float = 60) -> httpx.Response:
    """Events take a moment to reach the other services' read models: retry 404s."""
    deadline = time.monotonic() + seconds
    while True:
        response: httpx.Response = call()
        if response.status_code != 404 or time.monotonic() > deadline:
            if response.is_error:
                sys.exit(f"demo: {what} failed: {response.status_code} {response.text}")
            return response
        time.sleep(1)


def grant_office(sim: httpx.Client, client_nip: str, office_nip: str) -> None:
    response = sim.post(
        "/v2/testdata/permissions",
        json={
            "contextIdentifier": {"type": "Nip", "value": client_nip},
            "authorizedIdentifier": {"type": "Nip", "value": office_nip},
            "permissions": [
                {"permissionType": "InvoiceRead", "description": "Biuro rachunkowe (demo)"},
                {"permissionType": "InvoiceWrite", "description": "Biuro rachunkowe (demo)"},
            ],
        },
    )
    if response.is_error:
        sys.exit(f"demo: granting {office_nip} access to {client_nip} failed: {response.text}")


def previous_month(today: date) -> str:
    last = today.replace(day=1) - timedelta(days=1)
    return f"{last.year}-{last.month:02d}"


def taxes_csv(clients: list[dict[str, Any]], today: date) -> str:
    """Last month's VAT, PIT and ZUS of every client; some already overdue (a red tile)."""
    period = previous_month(today)
    month = today.replace(day=1)
    rows = ["nip;kind;period;amount;due_date"]
    for n, client in enumerate(clients):
        zus_due = month.replace(day=15 if n % 2 else 20)
        rows += [
            f"{client['nip']};vat;{period};{1234 + 811 * n},00;{month.replace(day=25)}",
            f"{client['nip']};pit;{period};{402 + 97 * n},00;{month.replace(day=20)}",
            f"{client['nip']};zus;{period};1 773,96;{zus_due}",
        ]
    return "\r\n".join(rows) + "\r\n"


def taxes(api: httpx.Client, clients: list[dict[str, Any]], today: date) -> None:
    first = clients[0]["id"]
    year = previous_month(today)[:4]
    months = retry(
        lambda: api.get(f"/api/taxes/companies/{first}/months", params={"year": year}),
        "taxes months",
    )
    body = months.json()
    listed = body.get("items", body.get("months", [])) if isinstance(body, dict) else body
    if any(m.get("items", m.get("count", 0)) for m in listed if isinstance(m, dict)):
        return
    response = api.post(
        "/api/taxes/items/import",
        content=taxes_csv(clients, today).encode(),
        headers={"Content-Type": "text/csv"},
    )
    if response.is_error:
        print(f"demo: taxes import skipped: {response.status_code} {response.text[:300]}")


def conversation(api: httpx.Client, password: str) -> None:
    """The client asks, the accountant answers (e-mails land in the mail catcher)."""
    client_token, company_id = login(api, CLIENT_EMAIL, password, "company")
    client = {"Authorization": f"Bearer {client_token}"}
    if api.get("/api/messaging/threads", headers=client).json().get("items"):
        return
    thread = api.post(
        "/api/messaging/threads",
        headers=client,
        json={"subject": "Faktura za prąd", "body": "Dzień dobry, czy tę fakturę mam już opłacić?"},
    )
    thread.raise_for_status()
    office_token, _ = login(api, ACCOUNTANT_EMAIL, password, "office")
    api.post(
        f"/api/messaging/threads/{thread.json()['thread']['id']}/messages",
        headers={"Authorization": f"Bearer {office_token}"},
        json={"body": "Dzień dobry, tak, termin płatności mija w piątek. Pozdrawiam, Anna."},
    ).raise_for_status()
    upload = api.post(
        f"/api/files/companies/{company_id}/files",
        headers=client,
        files={"file": ("Wyciąg bankowy 10-2026.csv", "data;kwota\r\n2026-10-31;1234,56\r\n")},
    )
    if upload.is_error:
        print(f"demo: file upload skipped: {upload.status_code} {upload.text[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--simulator", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    api = httpx.Client(base_url=args.gateway, timeout=30)
    sim = httpx.Client(base_url=args.simulator, timeout=30)

    token, office_id = login(api, OFFICE_EMAIL, args.password, "office")
    api.headers["Authorization"] = f"Bearer {token}"
    office = api.get(f"/api/auth/organisations/{office_id}")
    office.raise_for_status()
    office_nip = office.json()["nip"]

    # Registered again on every run: the simulator keeps its state in memory, so after a
    # restart it must meet the office's certificate anew.
    cert, key = self_signed(office_nip, seal=True)
    retry(
        lambda: api.put(
            "/api/ksef-gateway/office/credential",
            json={"certificate_pem": cert, "private_key_pem": key},
        ),
        "registering the office certificate",
    )

    clients = api.get("/api/auth/clients", params={"limit": 100})
    clients.raise_for_status()
    body = clients.json()
    items = body["items"] if isinstance(body, dict) else body
    for client in items:
        if client["nip"] == UNGRANTED_NIP:
            # KSeF refuses the office here (no grant): the gateway shows "no permission".
            api.put(f"/api/ksef-gateway/companies/{client['id']}/ksef/office", json={})
            continue
        grant_office(sim, client["nip"], office_nip)
        retry(
            lambda c=client: api.put(f"/api/ksef-gateway/companies/{c['id']}/ksef/office", json={}),
            f"central authorisation of {client['name']}",
        )
    print(f"demo: {len(items)} clients use the office's KSeF authorisation")
    # The extras make the demo livelier; a failure there must not stop the front door.
    for extra in (
        lambda: taxes(api, items, date.today()),
        lambda: conversation(api, args.password),
    ):
        try:
            extra()
        except (httpx.HTTPError, KeyError, IndexError, ValueError) as error:
            print(f"demo: an optional step was skipped: {error}")


if __name__ == "__main__":
    main()
