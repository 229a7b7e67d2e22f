"""Live updates: new messages reach open browsers as server-sent events.

Posting a message NOTIFYs `messaging_live` in its transaction; PostgreSQL delivers it at commit
to every listening connection, so each API replica hears about every message whichever replica
posted it. A replica listens on one connection while it has at least one open stream and fans
the notifications out to its streams, each filtered by its caller's context. Events carry ids
only; the browser fetches the messages through the API, where tenancy is checked again.

EventSource cannot set headers, so this one endpoint also accepts the access token as the
`access_token` query parameter (tokens are short-lived; the gateway's access log should not
keep query strings for this path).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from chassis.errors import Unauthenticated
from chassis.logs import get_logger
from chassis.runtime import get_pool
from chassis.tokens import Principal, TokenVerifier
from messaging.config import Settings
from messaging.domain import OFFICE_MANAGERS, require_thread_role
from messaging.posting import LIVE_CHANNEL

log = get_logger(__name__)
router = APIRouter(tags=["live"])
QUEUE_SIZE = 256
CLOSED: dict[str, Any] = {}


class LiveHub:
    """One LISTEN connection per process, shared by all open streams."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._queues: set[asyncio.Queue[dict[str, Any]]] = set()
        self._conn: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()

    async def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        async with self._lock:
            if self._conn is None or self._conn.is_closed():
                self._conn = await asyncpg.connect(self._dsn)
                self._conn.add_termination_listener(self._on_lost)
                await self._conn.add_listener(LIVE_CHANNEL, self._on_notify)
            self._queues.add(queue)
        return queue

    async def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        async with self._lock:
            self._queues.discard(queue)
            if not self._queues and self._conn is not None:
                conn, self._conn = self._conn, None
                with contextlib.suppress(Exception):
                    await conn.close(timeout=5)

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: object) -> None:
        event = json.loads(str(payload))
        for queue in list(self._queues):
            self._offer(queue, event)

    def _on_lost(self, _conn: object) -> None:
        # Streams end and browsers reconnect, which opens a fresh listening connection.
        self._conn = None
        for queue in list(self._queues):
            self._offer(queue, CLOSED)

    @staticmethod
    def _offer(queue: asyncio.Queue[dict[str, Any]], event: dict[str, Any]) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            # A stream this far behind is closed (CLOSED jumps the queue): the browser
            # reconnects and reloads, rather than this process buffering without bound.
            queue.put_nowait(event)
            return
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(CLOSED)


def hub_of(request: Request) -> LiveHub:
    state = request.app.state
    if getattr(state, "live_hub", None) is None:
        settings: Settings = state.settings
        state.live_hub = LiveHub(settings.database_url.get_secret_value())
    hub: LiveHub = state.live_hub
    return hub


class Audience:
    """Decides which messages one stream's caller may hear about."""

    def __init__(self, principal: Principal, pool: asyncpg.Pool) -> None:
        self._principal = principal
        self._pool = pool
        self._limited = (
            principal.is_office
            and not principal.all_clients
            and principal.role not in OFFICE_MANAGERS
        )
        self._assigned: dict[UUID, bool] = {}

    async def hears(self, event: dict[str, Any]) -> bool:
        p = self._principal
        company = UUID(event["company_id"])
        if not p.is_office:
            return company == p.org_id
        if event.get("office_id") != str(p.org_id):
            return False
        if not self._limited:
            return True
        if company not in self._assigned:
            self._assigned[company] = bool(
                await self._pool.fetchval(
                    "SELECT true FROM tenancy_assignments"
                    " WHERE office_id = $1 AND user_id = $2 AND company_id = $3",
                    p.org_id,
                    p.user_id,
                    company,
                )
            )
        return self._assigned[company]


async def _principal(request: Request, access_token: str | None) -> Principal:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        token = access_token or ""
    if not token:
        raise Unauthenticated()
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.verify(token)


async def _events(
    hub: LiveHub, queue: asyncio.Queue[dict[str, Any]], audience: Audience, settings: Settings
) -> AsyncIterator[str]:
    try:
        yield "retry: 3000\nevent: ready\ndata: {}\n\n"
        loop = asyncio.get_running_loop()
        ends = loop.time() + settings.sse_max_seconds
        while (left := ends - loop.time()) > 0:
            try:
                event = await asyncio.wait_for(
                    queue.get(), min(left, settings.sse_keepalive_seconds)
                )
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if event is CLOSED:
                return
            if await audience.hears(event):
                yield f"id: {event['seq']}\nevent: message\ndata: {json.dumps(event)}\n\n"
    finally:
        await hub.unsubscribe(queue)


@router.get("/threads/stream", response_class=StreamingResponse)
async def stream(
    request: Request,
    access_token: Annotated[str | None, Query(description="Token, for EventSource")] = None,
) -> StreamingResponse:
    """Server-sent events: `message` with thread_id, message_id, company_id for each new
    message the caller may read. Token in the Authorization header or `access_token`."""
    principal = await _principal(request, access_token)
    require_thread_role(principal)
    hub = hub_of(request)
    queue = await hub.subscribe()
    audience = Audience(principal, get_pool(request))
    return StreamingResponse(
        _events(hub, queue, audience, request.app.state.settings),
        media_type="text/event-stream",
        # X-Accel-Buffering: nginx (and ingress-nginx) pass each event on at once.
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
