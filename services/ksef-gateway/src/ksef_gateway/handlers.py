"""Kafka handlers: the tenancy read model (org.*), and a client leaving its office.

`invoice.send.requested` (sending to KSeF) belongs to a later issue; it will be routed here.
"""

from __future__ import annotations

from typing import Any

from chassis import tenancy
from chassis.db import Conn
from chassis.kafka import Route
from chassis.runtime import Runtime
from contracts import Envelope
from contracts.auth import ClientUnlinked
from contracts.ksef_gateway import AuthMethod, AuthStatus
from ksef_gateway import events
from ksef_gateway import repository as repo
from ksef_gateway import sync_repository as srepo


async def on_client_unlinked(conn: Conn, event: Envelope[Any]) -> str:
    """An office no longer serving a company cannot keep reading it with its credential."""
    data: ClientUnlinked = event.data
    auth = await repo.get_auth(conn, data.company_id, lock=True)
    if auth is None or auth.method is not AuthMethod.office:
        return f"ksef: {data.company_id} unaffected"
    removed = auth.with_status(
        AuthStatus.removed, "Biuro przestało obsługiwać firmę: autoryzacja centralna wyłączona."
    )
    await repo.delete_auth(conn, data.company_id)
    await srepo.disable(conn, data.company_id)
    await events.authorization_changed(conn, removed)
    return f"ksef: office authorisation of {data.company_id} removed"


def routes(_: Runtime) -> list[Route]:
    return tenancy.routes([Route("org.client.unlinked", {1: on_client_unlinked})])
