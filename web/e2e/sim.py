"""What the browser tests need done in the KSeF simulator, as a company's owner would do it there.

Run with the ksef-gateway's environment (e2e/stack.ts does): python web/e2e/sim.py <command> ...
  grant <simulator> <client_nip> <office_nip>     the client grants the office InvoiceRead
  revoke <simulator> <client_nip> <office_nip>    the client withdraws what it granted the office
  token <simulator> <nip>                         a new KSeF token of the company (InvoiceRead)
  sign <nip> < unsigned.xml > signed.xml          XAdES-sign an AuthTokenRequest as the company
Prints JSON on the last line.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime

import httpx

from ksef_gateway import xades
from ksef_gateway.testing import SimCompany, self_signed


async def grant(sim: str, client_nip: str, office_nip: str) -> object:
    async with httpx.AsyncClient(timeout=60) as http:
        client = await SimCompany(http, sim, client_nip).login()
        await client.grant(office_nip, "InvoiceRead")
    return {"granted": True}


async def revoke(sim: str, client_nip: str, office_nip: str) -> object:
    async with httpx.AsyncClient(timeout=60) as http:
        body = {"contextNip": client_nip, "subjectNip": office_nip}
        (
            await http.post(f"{sim.rstrip('/')}/admin/permissions/revoke", json=body)
        ).raise_for_status()
    return {"revoked": True}


async def token(sim: str, nip: str) -> object:
    async with httpx.AsyncClient(timeout=60) as http:
        company = await SimCompany(http, sim, nip).login()
        return {"token": await company.new_ksef_token()}


def sign(nip: str) -> None:
    cert, key = self_signed(nip)
    credential = xades.load_credential(cert.encode(), key.encode(), None, datetime.now(UTC))
    sys.stdout.buffer.write(xades.sign(sys.stdin.buffer.read(), credential))


def main() -> None:
    command, *args = sys.argv[1:]
    if command == "sign":
        sign(*args)
        return
    actions = {"grant": grant, "revoke": revoke, "token": token}
    print(json.dumps(asyncio.run(actions[command](*args))))  # type: ignore[operator]


if __name__ == "__main__":
    main()
