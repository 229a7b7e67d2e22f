"""Use cases of the threads API: one function each, one transaction each."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from uuid import UUID

import asyncpg

from chassis.tenancy import require_company
from chassis.tokens import Principal
from messaging import outgoing
from messaging import repository as repo
from messaging.domain import (
    CATEGORIES,
    Attachment,
    CompanyHasNoOffice,
    CompanyRequired,
    Message,
    PostedMessage,
    Thread,
    ThreadNotFound,
    ThreadSummary,
    UnknownCategory,
    require_thread_role,
    side_of,
)
from messaging.posting import Links, post

# Confirms a message's attachments are files of the company (raises otherwise); the API binds
# the files client to the caller's token (files_client.AttachmentCheck).
CheckAttachments = Callable[[UUID, Sequence[Attachment]], Awaitable[None]]


async def start_thread(
    pool: asyncpg.Pool,
    principal: Principal,
    *,
    company_id: UUID | None,
    subject: str,
    body: str,
    attachments: Sequence[Attachment],
    links: Links,
    check: CheckAttachments,
) -> PostedMessage:
    """A new conversation between a company and its office, with its first message."""
    require_thread_role(principal)
    if company_id is None:
        if principal.is_office:
            raise CompanyRequired()
        company_id = principal.org_id
    if attachments:
        # Asked before the transaction: no row stays locked while another service answers.
        async with pool.acquire() as conn:
            await require_company(conn, principal, company_id)
        await check(company_id, attachments)
    async with pool.acquire() as conn, conn.transaction():
        company = await require_company(conn, principal, company_id)
        if company.office_id is None:
            raise CompanyHasNoOffice()
        thread = await repo.insert_thread(
            conn,
            company_id=company.org_id,
            office_id=company.office_id,
            subject=subject,
            created_by=principal.user_id,
        )
        return await post(
            conn,
            thread,
            author_user_id=principal.user_id,
            author_org_id=principal.org_id,
            author_side=side_of(principal),
            body=body,
            attachments=attachments,
            links=links,
        )


async def reply(
    pool: asyncpg.Pool,
    principal: Principal,
    thread_id: UUID,
    *,
    body: str,
    attachments: Sequence[Attachment],
    links: Links,
    check: CheckAttachments,
) -> PostedMessage:
    """A message in an existing thread (the author has read everything up to it)."""
    require_thread_role(principal)
    if attachments:
        async with pool.acquire() as conn:
            found = await repo.get_thread(conn, principal, thread_id)
        if found is None:
            raise ThreadNotFound()
        await check(found.company_id, attachments)
    async with pool.acquire() as conn, conn.transaction():
        # FOR UPDATE: replies to one thread are numbered and e-mailed one after another.
        thread = await repo.get_thread(conn, principal, thread_id, lock=True)
        if thread is None:
            raise ThreadNotFound()
        posted = await post(
            conn,
            thread,
            author_user_id=principal.user_id,
            author_org_id=principal.org_id,
            author_side=side_of(principal),
            body=body,
            attachments=attachments,
            links=links,
        )
        return posted


async def list_threads(
    pool: asyncpg.Pool,
    principal: Principal,
    *,
    company_id: UUID | None,
    before_seq: int | None,
    limit: int,
) -> list[ThreadSummary]:
    require_thread_role(principal)
    async with pool.acquire() as conn:
        if company_id is not None:
            await require_company(conn, principal, company_id)
        return await repo.list_threads(
            conn, principal, company_id=company_id, before_seq=before_seq, limit=limit
        )


async def get_thread(pool: asyncpg.Pool, principal: Principal, thread_id: UUID) -> Thread:
    require_thread_role(principal)
    async with pool.acquire() as conn:
        thread = await repo.get_thread(conn, principal, thread_id)
    if thread is None:
        raise ThreadNotFound()
    return thread


async def messages(
    pool: asyncpg.Pool, principal: Principal, thread_id: UUID, *, after_seq: int, limit: int
) -> list[Message]:
    """A thread's messages in the order they were posted."""
    require_thread_role(principal)
    async with pool.acquire() as conn:
        if await repo.get_thread(conn, principal, thread_id) is None:
            raise ThreadNotFound()
        return await repo.list_messages(conn, thread_id, after_seq=after_seq, limit=limit)


async def mark_read(pool: asyncpg.Pool, principal: Principal, thread_id: UUID) -> None:
    """The caller has read every message of the thread so far."""
    require_thread_role(principal)
    async with pool.acquire() as conn, conn.transaction():
        thread = await repo.get_thread(conn, principal, thread_id)
        if thread is None:
            raise ThreadNotFound()
        await repo.mark_read(conn, thread.id, principal.user_id)


async def unread_total(pool: asyncpg.Pool, principal: Principal) -> int:
    require_thread_role(principal)
    async with pool.acquire() as conn:
        return await repo.unread_total(conn, principal)


async def notification_settings(pool: asyncpg.Pool, principal: Principal) -> dict[str, bool]:
    """Which e-mail categories reach the calling user (all, until switched off)."""
    async with pool.acquire() as conn:
        disabled = await outgoing.disabled_categories(conn, principal.user_id)
    return {category: category not in disabled for category in CATEGORIES}


async def update_notification_settings(
    pool: asyncpg.Pool, principal: Principal, changes: dict[str, bool]
) -> dict[str, bool]:
    """Switch categories on or off; categories not named keep their setting."""
    unknown = sorted(set(changes) - set(CATEGORIES))
    if unknown:
        raise UnknownCategory(details={"unknown": unknown, "known": sorted(CATEGORIES)})
    async with pool.acquire() as conn, conn.transaction():
        current = await outgoing.disabled_categories(conn, principal.user_id)
        disabled = (current | {c for c, on in changes.items() if not on}) - {
            c for c, on in changes.items() if on
        }
        await conn.execute(
            "INSERT INTO notification_settings (user_id, disabled) VALUES ($1, $2)"
            " ON CONFLICT (user_id) DO UPDATE SET disabled = EXCLUDED.disabled,"
            " updated_at = now()",
            principal.user_id,
            sorted(disabled),
        )
    return {category: category not in disabled for category in CATEGORIES}
