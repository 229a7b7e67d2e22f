"""Accounts on the running stack, through the gateway and the mail catcher (MailDev).

An office admin (bootstrapped) adds two client companies, creates an office employee, a client
person and the second company's admin; each activates through the link in the e-mail that
messaging delivered (auth only publishes `notification.requested`). The second company's admin
invites the client person (accepted) and the office employee (rejected); the client person then
picks a context at login and switches between both companies.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
from typing import Any

import httpx
import jwt
import pytest

from chassis.testing import random_nip
from tests.e2e.stack import Stack

PASSWORD = "Kasztan-w-Ogrodzie-42"


@pytest.fixture(scope="module")
def stack() -> Stack:
    stack = Stack.load()
    stack.script("services.sh", "up", "auth")
    return stack


def _address(who: str) -> str:
    return f"{who}.{secrets.token_hex(4)}@e2e.rachmistrz.pl"


async def _link_from_mail(stack: Stack, to: str, path: str) -> str:
    """The token of the newest e-mail to `to` whose link points at `path` (polls MailDev)."""
    pattern = re.compile(re.escape(path) + r"\?token=([A-Za-z0-9_\-%]+)")
    async with httpx.AsyncClient(base_url=stack.env["MAIL_API"], timeout=10) as mail:
        async with asyncio.timeout(60):
            while True:
                for message in reversed((await mail.get("/email")).json()):
                    recipients = [r["address"].lower() for r in message.get("to", [])]
                    body = f"{message.get('text') or ''} {message.get('html') or ''}"
                    if to in recipients and (match := pattern.search(body)):
                        return match.group(1)
                await asyncio.sleep(0.5)


class Portal:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def login(self, email: str, **extra: Any) -> dict[str, Any]:
        body = {"email": email, "password": PASSWORD, **extra}
        response = await self.http.post("/login", json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def call(self, method: str, path: str, token: str, **kw: Any) -> Any:
        response = await self.http.request(
            method, path, headers={"Authorization": f"Bearer {token}"}, **kw
        )
        assert response.status_code < 300, f"{method} {path}: {response.text}"
        return response.json() if response.content else None

    async def activate(self, stack: Stack, email: str) -> None:
        token = await _link_from_mail(stack, email, "/aktywacja")
        response = await self.http.post("/activation", json={"token": token, "password": PASSWORD})
        assert response.status_code == 204, response.text


async def test_office_staff_and_client_people_activate_invite_and_choose_contexts(
    stack: Stack,
) -> None:
    office_nip, admin_email = random_nip(), _address("admin")
    os.environ["AUTH_BOOTSTRAP_PASSWORD"] = PASSWORD
    stack.python(
        "auth",
        "-m",
        "auth.bootstrap",
        "create-admin",
        "--office-nip",
        office_nip,
        "--office-name",
        "Biuro E2E Konta",
        "--email",
        admin_email,
        "--full-name",
        "Adam Admin",
    )
    async with httpx.AsyncClient(base_url=f"{stack.gateway}/api/auth", timeout=30) as http:
        portal = Portal(http)
        [office] = (await portal.login(admin_email))["contexts"]
        admin = (await portal.login(admin_email, org_id=office["org"]["id"]))["access_token"]
        first, second = random_nip(), random_nip()
        added = await portal.call(
            "POST",
            "/clients",
            admin,
            json={
                "clients": [
                    {"nip": first, "name": "Firma Pierwsza"},
                    {"nip": second, "name": "Firma Druga"},
                ]
            },
        )
        company1, company2 = (a["company"]["id"] for a in added)
        staff, person, boss = _address("pracownik"), _address("klient"), _address("szef")
        for email, role, org in (
            (staff, "employee", None),
            (person, "client", company1),
            (boss, "admin", company2),
        ):
            body = {"email": email, "full_name": "Osoba E2E", "role": role, "org_id": org}
            await portal.call("POST", "/members", admin, json=body)
        for email in (staff, person, boss):
            await portal.activate(stack, email)

        boss_token = (await portal.login(boss, org_id=company2))["access_token"]
        for email in (person, staff):
            await portal.call(
                "POST", "/invitations", boss_token, json={"email": email, "role": "employee"}
            )
        staff_login = await portal.login(staff)
        [declined] = staff_login["pending_invitations"]
        await portal.call(
            "POST", f"/me/invitations/{declined['id']}/reject", staff_login["access_token"]
        )

        first_login = await portal.login(person)
        [invitation] = first_login["pending_invitations"]
        assert invitation["org"]["name"] == "Firma Druga"
        await portal.call(
            "POST", f"/me/invitations/{invitation['id']}/accept", first_login["access_token"]
        )
        login = await portal.login(person)
        assert sorted((c["org"]["id"], c["role"]) for c in login["contexts"]) == sorted(
            [(company1, "client"), (company2, "employee")]
        )
        assert login["context"] is None
        chosen = await portal.call(
            "POST", "/context", login["access_token"], json={"org_id": company2}
        )
        claims = jwt.decode(chosen["access_token"], options={"verify_signature": False})
        assert (claims["org"], claims["role"]) == (company2, "employee")
        switched = await portal.call(
            "POST", "/context", chosen["access_token"], json={"org_id": company1}
        )
        claims = jwt.decode(switched["access_token"], options={"verify_signature": False})
        assert (claims["org"], claims["role"]) == (company1, "client")
        assert (await portal.call("GET", "/me", switched["access_token"]))[
            "pending_invitations"
        ] == []

        # Suspension ends the member's access in every service at once, not when the
        # (locally verified) access token expires; lifting it restores access.
        staff_token = (await portal.login(staff, org_id=office["org"]["id"]))["access_token"]
        staff_id = jwt.decode(staff_token, options={"verify_signature": False})["sub"]
        invoices = f"{stack.gateway}/api/invoices/invoices"
        bearer = {"Authorization": f"Bearer {staff_token}"}
        first = await http.get(invoices, headers=bearer)
        assert first.status_code == 200, first.text
        await portal.call("PUT", f"/members/{staff_id}/suspension", admin)
        assert await _status_soon(http, invoices, bearer, 401) == "membership_revoked"
        await portal.call("DELETE", f"/members/{staff_id}/suspension", admin)
        assert await _status_soon(http, invoices, bearer, 200) is None


async def _status_soon(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], expected: int
) -> str | None:
    """The services learn of the change through Kafka; the error code once `expected` came."""
    async with asyncio.timeout(60):
        while (response := await http.get(url, headers=headers)).status_code != expected:
            await asyncio.sleep(0.3)
    return response.json()["error"]["code"] if expected >= 400 else None
