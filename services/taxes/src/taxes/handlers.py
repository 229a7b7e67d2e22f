"""Kafka handlers of taxes: thin, each applies one event on the given transaction."""

from __future__ import annotations

from typing import Any

from chassis.db import Conn
from chassis.kafka import Route
from chassis.runtime import Runtime
from contracts import Envelope
from contracts.auth import ClientLinked, OrgCreated, OrgKind, OrgUpdated
from taxes import repository as repo


async def on_org_created(conn: Conn, event: Envelope[Any]) -> str:
    data: OrgCreated = event.data
    if data.kind is not OrgKind.company:
        return f"ignored {data.kind.value} {data.org_id}"
    await repo.insert_company(conn, data.org_id, data.nip, data.name, data.office_id)
    return f"company {data.org_id} added"


async def on_client_linked(conn: Conn, event: Envelope[Any]) -> str:
    data: ClientLinked = event.data
    changed = await repo.set_office(conn, data.company_id, data.office_id)
    return f"company {data.company_id} served by {data.office_id} ({changed} row)"


async def on_org_updated(conn: Conn, event: Envelope[Any]) -> str:
    data: OrgUpdated = event.data
    changed = await repo.rename(conn, data.org_id, data.name)
    return f"organisation {data.org_id} renamed ({changed} row)"


def routes(_: Runtime) -> list[Route]:
    return [
        Route("org.created", {1: on_org_created}),
        Route("org.client.linked", {1: on_client_linked}),
        Route("org.updated", {1: on_org_updated}),
    ]
