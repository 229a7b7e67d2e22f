"""The e-mail queue: every e-mail of the system is rendered and recorded here, then sent.

`queue` runs inside the caller's transaction (a Kafka handler or a use case), so the e-mail
exists exactly when its cause does. The table's key is the notification id: a second request
with the same id changes nothing. The mailer (mailer.py) sends what is pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from chassis.db import Conn
from messaging.domain import ACCOUNT_CATEGORY, InvalidEmailRequest, NewEmail
from messaging.rendering import render

NOTIFY_CHANNEL = "messaging_mail"
# Message-IDs are <notification_id@MESSAGE_ID_DOMAIN>: the same e-mail always has the same one.
MESSAGE_ID_DOMAIN = "notification.rachmistrz"


@dataclass(frozen=True)
class EmailRecord:
    notification_id: UUID
    to_email: str
    to_name: str | None
    subject: str
    body_text: str
    body_html: str
    message_id: str
    attempts: int


async def disabled_categories(conn: Conn, user_id: UUID) -> set[str]:
    disabled = await conn.fetchval(
        "SELECT disabled FROM notification_settings WHERE user_id = $1", user_id
    )
    return set(disabled or ())


async def wanted(conn: Conn, user_id: UUID | None, category: str) -> bool:
    """Whether the user lets e-mails of `category` reach them (account e-mails always do)."""
    if category == ACCOUNT_CATEGORY or user_id is None:
        return True
    return category not in await disabled_categories(conn, user_id)


async def queue(conn: Conn, email: NewEmail) -> str:
    """Render and record one e-mail; returns its status (pending, skipped, or duplicate)."""
    if "@" not in email.to_email.strip("@"):
        raise InvalidEmailRequest(f"not an e-mail address: {email.to_email!r}")
    rendered = render(email.template, email.params)
    status = "pending" if await wanted(conn, email.user_id, email.category) else "skipped"
    inserted = await conn.fetchval(
        "INSERT INTO emails (notification_id, template, category, to_email, to_name, user_id,"
        " org_id, subject, body_text, body_html, status, message_id)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        " ON CONFLICT (notification_id) DO NOTHING RETURNING true",
        email.notification_id,
        email.template,
        email.category,
        email.to_email,
        email.to_name,
        email.user_id,
        email.org_id,
        rendered.subject,
        rendered.text,
        rendered.html,
        status,
        f"<{email.notification_id}@{MESSAGE_ID_DOMAIN}>",
    )
    if not inserted:
        return "duplicate"
    if status == "pending":
        # Delivered at commit: wakes the mailer instead of waiting for its next poll.
        await conn.execute("SELECT pg_notify($1, '')", NOTIFY_CHANNEL)
    return status


async def claim(conn: Conn, limit: int, lease_seconds: float) -> list[EmailRecord]:
    """Take due e-mails under a lease, committed before sending.

    Pending rows whose time has come, and rows left `sending` by a sender that died (lease
    expired), are claimed; several mailers skip each other's rows (SKIP LOCKED)."""
    rows = await conn.fetch(
        "UPDATE emails SET status = 'sending', attempts = attempts + 1,"
        " lease_until = now() + make_interval(secs => $2)"
        " WHERE notification_id IN (SELECT notification_id FROM emails"
        "   WHERE (status = 'pending' AND next_attempt_at <= now())"
        "      OR (status = 'sending' AND lease_until < now())"
        "   ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
        " RETURNING notification_id, to_email, to_name, subject, body_text, body_html,"
        " message_id, attempts",
        limit,
        lease_seconds,
    )
    return [EmailRecord(**dict(r)) for r in rows]


async def mark_sent(conn: Conn, notification_id: UUID) -> None:
    await conn.execute(
        "UPDATE emails SET status = 'sent', sent_at = now(), lease_until = NULL,"
        " last_error = NULL WHERE notification_id = $1",
        notification_id,
    )


async def mark_retry(conn: Conn, notification_id: UUID, at: datetime, error: str) -> None:
    await conn.execute(
        "UPDATE emails SET status = 'pending', next_attempt_at = $2, lease_until = NULL,"
        " last_error = $3 WHERE notification_id = $1",
        notification_id,
        at,
        error[:1000],
    )


async def mark_failed(conn: Conn, notification_id: UUID, error: str) -> None:
    await conn.execute(
        "UPDATE emails SET status = 'failed', lease_until = NULL, last_error = $2"
        " WHERE notification_id = $1",
        notification_id,
        error[:1000],
    )
