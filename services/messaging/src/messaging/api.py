"""HTTP API of messaging: threads, messages, read state, notification settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import BaseModel, Field

from chassis.runtime import get_pool
from chassis.tokens import CurrentPrincipal
from messaging import live, services
from messaging.config import Settings
from messaging.domain import CATEGORIES, Attachment, Message, Thread, ThreadSummary
from messaging.files_client import Attachments
from messaging.posting import Links

router = APIRouter(tags=["threads"])
Pool = Annotated[asyncpg.Pool, Depends(get_pool)]


def get_links(request: Request) -> Links:
    settings: Settings = request.app.state.settings
    return Links(settings.public_url)


AppLinks = Annotated[Links, Depends(get_links)]


class AttachmentIn(BaseModel):
    file_id: UUID = Field(description="Id of a file stored through the files service.")
    name: str = Field(min_length=1, max_length=255, examples=["umowa.pdf"])


class MessageIn(BaseModel):
    body: str = Field(min_length=1, max_length=10000)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=20)

    def files(self) -> list[Attachment]:
        return [Attachment(a.file_id, a.name.strip()) for a in self.attachments]


class ThreadCreate(MessageIn):
    company_id: UUID | None = Field(
        default=None, description="Required for office users; a company user writes as itself."
    )
    subject: str = Field(min_length=1, max_length=300)


class AttachmentPublic(BaseModel):
    file_id: UUID
    name: str


class MessagePublic(BaseModel):
    id: UUID
    thread_id: UUID
    seq: int
    author_user_id: UUID | None
    author_name: str | None
    author_side: str
    body: str
    created_at: datetime
    attachments: list[AttachmentPublic]

    @classmethod
    def of(cls, m: Message) -> MessagePublic:
        return cls(
            id=m.id,
            thread_id=m.thread_id,
            seq=m.seq,
            author_user_id=m.author_user_id,
            author_name=m.author_name,
            author_side=m.author_side,
            body=m.body,
            created_at=m.created_at,
            attachments=[AttachmentPublic(file_id=a.file_id, name=a.name) for a in m.attachments],
        )


class InvoiceRefPublic(BaseModel):
    invoice_id: UUID
    ksef_number: str | None
    invoice_number: str | None
    counterparty: str | None
    href: str = Field(description="The invoice in the invoices API, through the gateway.")


class ThreadPublic(BaseModel):
    id: UUID
    company_id: UUID
    office_id: UUID | None
    subject: str
    created_by: UUID | None
    created_at: datetime
    invoices: list[InvoiceRefPublic]

    @classmethod
    def of(cls, t: Thread) -> ThreadPublic:
        return cls(
            id=t.id,
            company_id=t.company_id,
            office_id=t.office_id,
            subject=t.subject,
            created_by=t.created_by,
            created_at=t.created_at,
            invoices=[
                InvoiceRefPublic(
                    invoice_id=i.invoice_id,
                    ksef_number=i.ksef_number,
                    invoice_number=i.invoice_number,
                    counterparty=i.counterparty,
                    href=f"/api/invoices/invoices/{i.invoice_id}",
                )
                for i in t.invoices
            ],
        )


class ThreadSummaryPublic(BaseModel):
    thread: ThreadPublic
    company_name: str | None
    unread: int
    last_message: MessagePublic | None

    @classmethod
    def of(cls, s: ThreadSummary) -> ThreadSummaryPublic:
        last = MessagePublic.of(s.last_message) if s.last_message else None
        return cls(
            thread=ThreadPublic.of(s.thread),
            company_name=s.company_name,
            unread=s.unread,
            last_message=last,
        )


class ThreadsPage(BaseModel):
    items: list[ThreadSummaryPublic]
    next_before: int | None = Field(description="Pass as `before` for the next page.")


class MessagesPage(BaseModel):
    items: list[MessagePublic]
    next_after: int | None = Field(description="Pass as `after` for the next page.")


class PostedPublic(BaseModel):
    thread: ThreadPublic
    message: MessagePublic


class UnreadPublic(BaseModel):
    unread: int


@router.get("/threads")
async def list_threads(
    principal: CurrentPrincipal,
    pool: Pool,
    company_id: UUID | None = None,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ThreadsPage:
    """Threads the caller may read, latest activity first, with unread counts."""
    found = await services.list_threads(
        pool, principal, company_id=company_id, before_seq=before, limit=limit
    )
    next_before = found[-1].thread.last_seq if len(found) == limit else None
    return ThreadsPage(items=[ThreadSummaryPublic.of(s) for s in found], next_before=next_before)


@router.post("/threads", status_code=status.HTTP_201_CREATED)
async def start_thread(
    body: ThreadCreate,
    principal: CurrentPrincipal,
    pool: Pool,
    links: AppLinks,
    check: Attachments,
) -> PostedPublic:
    """Start a conversation between a company and its office."""
    posted = await services.start_thread(
        pool,
        principal,
        company_id=body.company_id,
        subject=body.subject.strip(),
        body=body.body,
        attachments=body.files(),
        links=links,
        check=check,
    )
    return PostedPublic(
        thread=ThreadPublic.of(posted.thread), message=MessagePublic.of(posted.message)
    )


@router.get("/threads/unread")
async def unread(principal: CurrentPrincipal, pool: Pool) -> UnreadPublic:
    """Unread messages of the caller in every thread they may read."""
    return UnreadPublic(unread=await services.unread_total(pool, principal))


@router.get("/threads/{thread_id}")
async def get_thread(thread_id: UUID, principal: CurrentPrincipal, pool: Pool) -> ThreadPublic:
    """One thread with the invoices it is about."""
    return ThreadPublic.of(await services.get_thread(pool, principal, thread_id))


@router.get("/threads/{thread_id}/messages")
async def list_messages(
    thread_id: UUID,
    principal: CurrentPrincipal,
    pool: Pool,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> MessagesPage:
    """The thread's messages in the order they were posted."""
    found = await services.messages(pool, principal, thread_id, after_seq=after, limit=limit)
    next_after = found[-1].seq if len(found) == limit else None
    return MessagesPage(items=[MessagePublic.of(m) for m in found], next_after=next_after)


@router.post("/threads/{thread_id}/messages", status_code=status.HTTP_201_CREATED)
async def reply(
    thread_id: UUID,
    body: MessageIn,
    principal: CurrentPrincipal,
    pool: Pool,
    links: AppLinks,
    check: Attachments,
) -> MessagePublic:
    """Reply in a thread; the other side is told by e-mail, per their settings. Attachments
    must be files of the thread's company (checked with the files service)."""
    posted = await services.reply(
        pool,
        principal,
        thread_id,
        body=body.body,
        attachments=body.files(),
        links=links,
        check=check,
    )
    return MessagePublic.of(posted.message)


@router.post("/threads/{thread_id}/read", status_code=status.HTTP_204_NO_CONTENT)
async def mark_read(thread_id: UUID, principal: CurrentPrincipal, pool: Pool) -> Response:
    """Mark every message of the thread so far as read by the caller."""
    await services.mark_read(pool, principal, thread_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


settings_router = APIRouter(prefix="/settings", tags=["notification settings"])


class CategoryPublic(BaseModel):
    key: str
    label: str
    enabled: bool


class NotificationSettingsPublic(BaseModel):
    email: list[CategoryPublic]


class NotificationSettingsUpdate(BaseModel):
    email: dict[str, bool] = Field(
        description="Category key -> e-mails on/off.", examples=[{"tax_due": False}]
    )


def _settings_public(enabled: dict[str, bool]) -> NotificationSettingsPublic:
    return NotificationSettingsPublic(
        email=[CategoryPublic(key=k, label=CATEGORIES[k], enabled=v) for k, v in enabled.items()]
    )


@settings_router.get("/notifications")
async def get_notification_settings(
    principal: CurrentPrincipal, pool: Pool
) -> NotificationSettingsPublic:
    """The caller's e-mail notification settings (account e-mails are always sent)."""
    return _settings_public(await services.notification_settings(pool, principal))


@settings_router.put("/notifications")
async def put_notification_settings(
    body: NotificationSettingsUpdate, principal: CurrentPrincipal, pool: Pool
) -> NotificationSettingsPublic:
    """Switch e-mail categories on or off for the caller."""
    enabled = await services.update_notification_settings(pool, principal, body.email)
    return _settings_public(enabled)


def routers() -> Sequence[APIRouter]:
    # The stream first: /threads/stream must not be taken for a thread id.
    return [live.router, router, settings_router]
