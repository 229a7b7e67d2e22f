"""Suspended and removed memberships end access at once, not when the access token expires.

Access tokens are verified locally (JWKS) and live for minutes, so without this a suspended
person could keep working until their token ran out. Every service keeps the (user, org) pairs
whose membership is suspended or removed, from auth's `user.membership.changed` events, in
`tenancy_revoked` (written by the worker in the event's transaction). The API processes read
that small table every few seconds into memory; `current_principal` refuses a token whose
(user, org) pair is in it. A membership granted again removes the pair.
"""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import asyncpg

from chassis.db import Conn
from chassis.errors import ApiError
from chassis.logs import get_logger
from contracts import Envelope
from contracts.auth import MembershipChanged

log = get_logger(__name__)


class MembershipRevoked(ApiError):
    status_code = 401
    code = "membership_revoked"
    message = (
        "Twój dostęp do tej organizacji został wstrzymany lub odebrany."
        " Zaloguj się ponownie lub skontaktuj się z administratorem."
    )


async def on_membership_changed(conn: Conn, event: Envelope[Any]) -> str:
    d: MembershipChanged = event.data
    if d.role is None or d.suspended:
        await conn.execute(
            "INSERT INTO tenancy_revoked (user_id, org_id) VALUES ($1, $2)"
            " ON CONFLICT (user_id, org_id) DO UPDATE SET since = now()",
            d.user_id,
            d.org_id,
        )
        return f"tenancy: access of {d.user_id} to {d.org_id} revoked"
    await conn.execute(
        "DELETE FROM tenancy_revoked WHERE user_id = $1 AND org_id = $2", d.user_id, d.org_id
    )
    return f"tenancy: access of {d.user_id} to {d.org_id} active"


class RevocationList:
    """The revoked (user, org) pairs, as last read from the database."""

    def __init__(self) -> None:
        self._pairs: frozenset[tuple[UUID, UUID]] = frozenset()

    def is_revoked(self, user_id: UUID, org_id: UUID) -> bool:
        return (user_id, org_id) in self._pairs

    async def refresh(self, pool: asyncpg.Pool) -> None:
        rows = await pool.fetch("SELECT user_id, org_id FROM tenancy_revoked")
        self._pairs = frozenset((r["user_id"], r["org_id"]) for r in rows)

    async def run(self, pool: asyncpg.Pool, every_seconds: float) -> None:
        """Refresh forever; a failed read keeps the last list and is retried."""
        while True:
            try:
                await self.refresh(pool)
            except (OSError, asyncpg.PostgresError) as error:
                log.warning("revocation list not refreshed", error=str(error))
            await asyncio.sleep(every_seconds)
