"""Sends the e-mail queue over SMTP: claim, send, mark; retries with backoff.

Exactly one e-mail per notification id: the row is claimed (status `sending`, a lease) and
committed before the SMTP transaction, and marked `sent` right after the server accepted it.
Only a crash in the moment between those two leaves a `sending` row whose lease expires; it is
then sent again with the same Message-ID (derived from the notification id), so the one
possible duplicate is recognisable by mail clients and by us. Failed attempts that may succeed
later (connection problems, 4xx answers) are retried with exponential backoff up to
`mail_max_attempts`; permanent refusals (5xx) end as `failed` with the server's answer.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

import aiosmtplib
import asyncpg

from chassis.logs import get_logger
from messaging import outgoing
from messaging.config import Settings
from messaging.outgoing import EmailRecord

log = get_logger(__name__)

BATCH = 20
MAX_BACKOFF = timedelta(hours=1)


def build_message(email: EmailRecord, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((email.to_name or "", email.to_email))
    message["Subject"] = email.subject
    message["Message-ID"] = email.message_id
    message["Date"] = format_datetime(datetime.now(UTC))
    # Tells auto-responders and vacation replies to stay quiet (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message["X-Rachmistrz-Notification-Id"] = str(email.notification_id)
    message.set_content(email.body_text)
    message.add_alternative(email.body_html, subtype="html")
    return message


def is_permanent(error: Exception) -> bool:
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        return all(r.code >= 500 for r in error.recipients)
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return error.code >= 500
    return False


def backoff(settings: Settings, attempts: int) -> timedelta:
    delay = timedelta(seconds=settings.mail_retry_base_seconds * 2 ** max(attempts - 1, 0))
    return min(delay, MAX_BACKOFF)


class Mailer:
    def __init__(self, pool: asyncpg.Pool, settings: Settings) -> None:
        self._pool = pool
        self._settings = settings
        self._wake = asyncio.Event()
        self._sender = settings.mail_sender
        self._envelope_from = parseaddr(settings.mail_sender)[1]

    async def deliver(self, message: EmailMessage, to_email: str) -> None:
        s = self._settings
        await aiosmtplib.send(
            message,
            sender=self._envelope_from,
            recipients=[to_email],
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            start_tls=s.smtp_starttls,
            use_tls=s.smtp_tls,
            timeout=s.smtp_timeout_seconds,
        )

    async def send_due(self) -> int:
        """Claim and send one batch; return how many were claimed."""
        async with self._pool.acquire() as conn, conn.transaction():
            batch = await outgoing.claim(conn, BATCH, self._settings.mail_lease_seconds)
        for email in batch:
            await self._send_one(email)
        return len(batch)

    async def _send_one(self, email: EmailRecord) -> None:
        try:
            await self.deliver(build_message(email, self._sender), email.to_email)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            await self._failed(email, error)
            return
        async with self._pool.acquire() as conn:
            await outgoing.mark_sent(conn, email.notification_id)
        log.info("e-mail sent", notification_id=str(email.notification_id))

    async def _failed(self, email: EmailRecord, error: Exception) -> None:
        reason = f"{type(error).__name__}: {error}"
        async with self._pool.acquire() as conn:
            if is_permanent(error) or email.attempts >= self._settings.mail_max_attempts:
                await outgoing.mark_failed(conn, email.notification_id, reason)
                log.error("e-mail failed", notification_id=str(email.notification_id), error=reason)
                return
            at = datetime.now(UTC) + backoff(self._settings, email.attempts)
            await outgoing.mark_retry(conn, email.notification_id, at, reason)
        log.warning("e-mail will be retried", notification_id=str(email.notification_id), at=at)

    async def run(self) -> None:
        """Send forever: woken by NOTIFY when an e-mail is queued, polling for retries."""
        async with self._pool.acquire() as conn:
            await conn.add_listener(outgoing.NOTIFY_CHANNEL, self._on_notify)
            try:
                while True:
                    self._wake.clear()
                    try:
                        claimed = await self.send_due()
                    except (OSError, TimeoutError, asyncpg.PostgresConnectionError) as error:
                        log.warning("mailer retrying after a database error", error=str(error))
                        claimed = 0
                    except Exception:  # noqa: BLE001 - the mailer must outlive one bad e-mail
                        # A claimed row stays `sending` until its lease ends, then counts
                        # another attempt, so a poison e-mail ends as `failed`.
                        log.exception("mailer error")
                        claimed = 0
                    if claimed < BATCH:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(
                                self._wake.wait(), self._settings.mail_poll_seconds
                            )
            finally:
                await conn.remove_listener(outgoing.NOTIFY_CHANNEL, self._on_notify)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()
