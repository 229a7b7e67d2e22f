"""Posting one message, with everything that follows from it, in the caller's transaction.

The message row, its `message.posted` event (outbox), the e-mails to the other side (e-mail
queue, per each recipient's settings) and the live-update notification (NOTIFY, delivered at
commit to every API replica's listener) are written together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from uuid import UUID, uuid4

from chassis import outbox
from chassis.db import Conn
from chassis.tenancy import get_org
from contracts import new_envelope
from contracts.messaging import MESSAGE_POSTED, MessagePosted
from messaging import members, outgoing
from messaging import repository as repo
from messaging.domain import (
    Attachment,
    Message,
    NewEmail,
    PostedMessage,
    Recipient,
    Thread,
    derived_id,
    excerpt,
)

PRODUCER = "messaging"
LIVE_CHANNEL = "messaging_live"
SIDE_NAMES = {"office": "Biuro rachunkowe", "company": "Klient", "system": "Rachmistrz"}


@dataclass(frozen=True)
class Links:
    """Addresses of the web application that e-mails link to."""

    public_url: str

    def thread(self, thread_id: UUID) -> str:
        return f"{self.public_url.rstrip('/')}/wiadomosci/{thread_id}"

    def invoice(self, invoice_id: UUID) -> str:
        return f"{self.public_url.rstrip('/')}/faktury/{invoice_id}"

    def taxes(self, company_id: UUID) -> str:
        return f"{self.public_url.rstrip('/')}/podatki?firma={company_id}"


async def recipients_for(conn: Conn, thread: Thread, author_side: str) -> list[Recipient]:
    """The other side of the thread: the office's staff for a company's message, else the
    company's people."""
    if author_side == "company":
        if thread.office_id is None:
            return []
        return await members.office_staff_for(conn, thread.office_id, thread.company_id)
    return await members.company_people(conn, thread.company_id)


async def post(
    conn: Conn,
    thread: Thread,
    *,
    author_user_id: UUID | None,
    author_org_id: UUID | None,
    author_side: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    links: Links,
    message_id: UUID | None = None,
) -> PostedMessage:
    if thread.office_id is None:
        thread = await _adopt_office(conn, thread)
    author_name = None
    if author_user_id is not None and author_org_id is not None:
        author_name = await members.display_name(conn, author_user_id, author_org_id)
    message = await repo.insert_message(
        conn,
        message_id=message_id or uuid4(),
        thread_id=thread.id,
        author_user_id=author_user_id,
        author_name=author_name,
        author_side=author_side,
        body=body,
        attachments=attachments,
    )
    if author_user_id is not None:
        # Writing means having read the thread up to here: one's own messages are never unread.
        await repo.mark_read(conn, thread.id, author_user_id)
    await _publish(conn, thread, message)
    emails = await _email_other_side(conn, thread, message, links)
    await conn.execute(
        "SELECT pg_notify($1, $2)",
        LIVE_CHANNEL,
        json.dumps(
            {
                "thread_id": str(thread.id),
                "message_id": str(message.id),
                "company_id": str(thread.company_id),
                "office_id": str(thread.office_id) if thread.office_id else None,
                "seq": message.seq,
            }
        ),
    )
    return PostedMessage(thread=thread, message=message, emails=emails)


async def _adopt_office(conn: Conn, thread: Thread) -> Thread:
    """A thread opened before its company's office was known here (events of different
    topics arrive in any order) takes the office on its next message."""
    company = await get_org(conn, thread.company_id)
    if company is None or company.office_id is None:
        return thread
    await conn.execute(
        "UPDATE threads SET office_id = $2 WHERE id = $1", thread.id, company.office_id
    )
    return replace(thread, office_id=company.office_id)


async def _publish(conn: Conn, thread: Thread, message: Message) -> None:
    data = MessagePosted(
        thread_id=thread.id,
        message_id=message.id,
        company_id=thread.company_id,
        office_id=thread.office_id,
        author_user_id=message.author_user_id,
        author_side=message.author_side,
        excerpt=excerpt(message.body),
    )
    event = new_envelope(
        MESSAGE_POSTED.event_type,
        MESSAGE_POSTED.version,
        data,
        producer=PRODUCER,
        org_id=thread.company_id,
    )
    await outbox.add(conn, event, key=str(thread.company_id))


async def _email_other_side(
    conn: Conn, thread: Thread, message: Message, links: Links
) -> list[NewEmail]:
    company = await get_org(conn, thread.company_id)
    author = message.author_name or SIDE_NAMES[message.author_side]
    queued = []
    for person in await recipients_for(conn, thread, message.author_side):
        if person.user_id == message.author_user_id:
            continue
        email = NewEmail(
            # One e-mail per (message, recipient), whatever retries the use case goes through.
            notification_id=derived_id("message", message.id, person.user_id),
            template="new_message",
            category="new_message",
            to_email=person.email,
            to_name=person.full_name,
            params={
                "link": links.thread(thread.id),
                "thread_subject": thread.subject,
                "author": author,
                "excerpt": excerpt(message.body, 500),
                "company_name": company.name if company else "",
            },
            user_id=person.user_id,
            org_id=thread.company_id,
        )
        if await outgoing.queue(conn, email) == "pending":
            queued.append(email)
    return queued
