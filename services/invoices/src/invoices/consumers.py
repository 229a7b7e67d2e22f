"""Event handlers besides the workflow's: batched intake, the office on invoices, user names.

- invoice.fetched arrives in volume (a first sync of an office brings hundreds of thousands),
  so it is consumed in batches (`chassis.batching`); the per-event handler stays for replays.
- org.created / org.client.linked / org.client.unlinked copy the company's office from the
  tenancy read model (updated first, in the same transaction: `tenancy.routes`) onto its
  invoices, which the office-wide list indexes lead with.
- user.created / user.membership.changed keep a small read model of names, so the booking
  stamp can say who booked an invoice.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import weakref
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any
from uuid import UUID

from chassis.db import Conn
from chassis.runtime import Runtime
from contracts import Envelope
from contracts.auth import ClientLinked, ClientUnlinked, MembershipChanged, OrgCreated, UserCreated
from invoices.config import Settings
from invoices.intake import warm_parser
from invoices.intake_store import OFFICE_LOCK_CLASS, Parser, ingest_many, make_parser
from invoices.storage import MinioXmlStore, XmlStore


class ParserUnavailable(OSError):
    """A parser process died (killed, out of memory): an OSError, so the consumer treats it
    as transient and retries the batch on a fresh pool instead of dead-lettering it."""


class Intake:
    """The invoice.fetched handlers of one worker, with its parser pool and MinIO client."""

    def __init__(self, settings: Settings, *, processes: int | None = None) -> None:
        self.max_bytes = settings.max_invoice_xml_bytes
        self.processes = settings.intake_processes if processes is None else processes
        self._settings = settings
        self._executor: Executor | None = None
        self._parser: Parser | None = None
        self._store: XmlStore | None = None
        self._store_ready = False
        self._closed = False

    @property
    def parser(self) -> Parser:
        if self._parser is None:
            if self.processes > 0:
                # spawn: a fork of a process running an event loop and threads is not safe
                context = multiprocessing.get_context("spawn")
                self._executor = ProcessPoolExecutor(
                    self.processes, mp_context=context, initializer=warm_parser
                )
                # Start every process now (the pool spawns one per task while none is idle),
                # so the first batches do not wait for imports and the XSD compiling.
                for _ in range(self.processes):
                    self._executor.submit(warm_parser)
            self._parser = make_parser(self.max_bytes, self._executor)
        return self._parser

    @property
    def store(self) -> XmlStore | None:
        if not self._store_ready:
            if self._settings.minio_endpoint:
                self._store = MinioXmlStore(self._settings)
            self._store_ready = True
        return self._store

    async def many(self, conn: Conn, events: list[Envelope[Any]]) -> list[str]:
        try:
            return await ingest_many(
                conn,
                [e.data for e in events],
                parser=self.parser,
                store=self.store,
                max_bytes=self.max_bytes,
            )
        except BrokenProcessPool as error:
            self.close()
            self._closed, self._parser = False, None
            raise ParserUnavailable("an invoice parser process died") from error
        except RuntimeError as error:
            if not self._closed:
                raise
            # the worker is stopping: leave the batch for redelivery
            raise ParserUnavailable("the invoice parsers are shutting down") from error

    async def one(self, conn: Conn, event: Envelope[Any]) -> str:
        [effect] = await self.many(conn, [event])
        return effect

    def processes_running(self) -> list[int]:
        """Pids of the parser processes (a private detail of the pool; the tests use it)."""
        processes = getattr(self._executor, "_processes", None) or {}
        return [p.pid for p in processes.values() if p.pid is not None]

    def close(self) -> None:
        self._closed = True
        if self._executor is not None:
            # Explicitly: spawned workers outlive a parent that exits without this.
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


_INTAKES: weakref.WeakKeyDictionary[Runtime, Intake] = weakref.WeakKeyDictionary()


def intake_for(runtime: Runtime) -> Intake:
    """The worker's one Intake (routes() may be built more than once per process)."""
    if runtime not in _INTAKES:
        settings: Settings = runtime.settings  # type: ignore[assignment]
        _INTAKES[runtime] = Intake(settings)
    return _INTAKES[runtime]


def background(runtime: Runtime) -> Sequence[Callable[[], Awaitable[None]]]:
    """A worker loop that only waits, so that stopping the worker (which cancels its
    loops) shuts the parser processes down."""

    async def close_on_stop() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            intake_for(runtime).close()

    return [close_on_stop]


async def sync_office(conn: Conn, company_id: UUID) -> str:
    """Copy the company's office (as the read model now says) onto its invoices."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext($2::uuid::text))", OFFICE_LOCK_CLASS, company_id
    )
    status = await conn.execute(
        "UPDATE invoices i SET office_id = o.office_id FROM tenancy_orgs o"
        " WHERE o.org_id = $1 AND i.company_id = $1 AND i.office_id IS DISTINCT FROM o.office_id",
        company_id,
    )
    return f"invoices: office of {status.split()[-1]} invoices of {company_id} updated"


async def on_org_created(conn: Conn, event: Envelope[Any]) -> str:
    d: OrgCreated = event.data
    if d.kind.value != "company":
        return "invoices: not a company"
    return await sync_office(conn, d.org_id)


async def on_client_linked(conn: Conn, event: Envelope[Any]) -> str:
    d: ClientLinked = event.data
    return await sync_office(conn, d.company_id)


async def on_client_unlinked(conn: Conn, event: Envelope[Any]) -> str:
    d: ClientUnlinked = event.data
    return await sync_office(conn, d.company_id)


async def save_user(conn: Conn, user_id: UUID, email: str, full_name: str | None) -> str:
    await conn.execute(
        "INSERT INTO users (user_id, email, full_name) VALUES ($1, $2, $3)"
        " ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email,"
        " full_name = COALESCE(EXCLUDED.full_name, users.full_name), updated_at = now()",
        user_id,
        email,
        full_name,
    )
    return f"users: {user_id}"


async def on_user_created(conn: Conn, event: Envelope[Any]) -> str:
    d: UserCreated = event.data
    return await save_user(conn, d.user_id, d.email, d.full_name)


async def on_membership_changed(conn: Conn, event: Envelope[Any]) -> str:
    d: MembershipChanged = event.data
    return await save_user(conn, d.user_id, d.email, d.full_name)
