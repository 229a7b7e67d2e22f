"""The e-mail path on the real PostgreSQL and real SMTP (MailDev): once per notification id."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from faststream.kafka import KafkaBroker, TestKafkaBroker

from contracts.auth import NotificationRequested
from messaging.config import Settings
from messaging.mailer import Mailer

Events = Callable[..., bytes]


def _request(
    to: str,
    *,
    notification_id: UUID | None = None,
    template: str = "activation",
    params: dict[str, str] | None = None,
    **extra: Any,
) -> NotificationRequested:
    return NotificationRequested(
        notification_id=notification_id or uuid4(),
        template=template,
        to_email=to,
        to_name="Anna Nowak",
        params=params
        if params is not None
        else {
            "link": "https://rachmistrz.example/aktywacja?t=abc",
            "full_name": "Anna <b>Nowak</b>",
            "org_name": "Biuro Rachmistrz & S-ka",
        },
        **extra,
    )


def _to() -> str:
    return f"osoba-{uuid4().hex[:12]}@example.com"


async def test_an_activation_request_is_sent_once_in_polish_html_and_text(
    broker: KafkaBroker, events: Events, mailer: Mailer, mailbox: Any, pool: asyncpg.Pool
) -> None:
    to = _to()
    request = _request(to)
    body = events("notification.requested", request)
    async with TestKafkaBroker(broker) as br:
        await br.publish(body, topic="notification.requested")
        await br.publish(body, topic="notification.requested")
        # Another event carrying the same notification id: still one e-mail.
        await br.publish(events("notification.requested", request), topic="notification.requested")
    assert await mailer.send_due() == 1
    assert await mailer.send_due() == 0
    [mail] = await mailbox.wait_for(to)
    assert mail["subject"] == "Aktywuj swoje konto w systemie Rachmistrz"
    assert mail["messageId"] == f"{request.notification_id}@notification.rachmistrz"
    assert "https://rachmistrz.example/aktywacja?t=abc" in mail["text"]
    assert "Anna <b>Nowak</b>" in mail["text"]
    # HTML is escaped: a name cannot inject markup.
    assert "Anna &lt;b&gt;Nowak&lt;/b&gt;" in mail["html"]
    assert "Biuro Rachmistrz &amp; S-ka" in mail["html"]
    row = await pool.fetchrow("SELECT status, attempts, sent_at FROM emails")
    assert (row["status"], row["attempts"]) == ("sent", 1)
    assert row["sent_at"] is not None


async def test_invitation_and_password_reset_render_their_params(
    broker: KafkaBroker, events: Events, mailer: Mailer, mailbox: Any
) -> None:
    invited, forgetful = _to(), _to()
    invitation = _request(
        invited,
        template="invitation",
        params={
            "link": "https://rachmistrz.example/zaproszenie/1",
            "org_name": "Piekarnia Kowalski",
            "role": "client",
            "inviter": "Jan Kowalski",
        },
    )
    reset = _request(
        forgetful, template="password_reset", params={"link": "https://rachmistrz.example/h/2"}
    )
    async with TestKafkaBroker(broker) as br:
        for request in (invitation, reset):
            await br.publish(
                events("notification.requested", request), topic="notification.requested"
            )
    assert await mailer.send_due() == 2
    [mail] = await mailbox.wait_for(invited)
    assert mail["subject"] == "Piekarnia Kowalski zaprasza Cię do systemu Rachmistrz"
    assert "Jan Kowalski zaprasza Cię do organizacji Piekarnia Kowalski" in mail["text"]
    assert "(rola: klient)" in mail["text"]
    [mail] = await mailbox.wait_for(forgetful)
    assert mail["subject"] == "Ustaw nowe hasło w systemie Rachmistrz"
    assert "https://rachmistrz.example/h/2" in mail["html"]


async def test_a_request_that_cannot_be_rendered_is_dead_lettered_not_stored(
    broker: KafkaBroker, events: Events, pool: asyncpg.Pool
) -> None:
    unknown = _request(_to(), template="no_such_template")
    no_link = _request(_to(), params={"full_name": "Anna"})
    unsafe = _request(_to(), params={"link": "javascript:alert(1)"})
    async with TestKafkaBroker(broker) as br:
        for request in (unknown, no_link, unsafe):
            await br.publish(
                events("notification.requested", request), topic="notification.requested"
            )
    assert await pool.fetchval("SELECT count(*) FROM emails") == 0
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 0


async def test_a_category_the_user_switched_off_is_recorded_as_skipped_but_account_mail_is_sent(
    broker: KafkaBroker, events: Events, mailer: Mailer, pool: asyncpg.Pool
) -> None:
    user = uuid4()
    await pool.execute(
        "INSERT INTO notification_settings (user_id, disabled) VALUES ($1, $2)",
        user,
        ["new_message", "tax_due", "invoices"],
    )
    notice = _request(
        _to(),
        template="password_reset",
        params={"link": "https://x.example/a"},
        user_id=user,
        category="invoices",
    )
    account = _request(
        _to(), template="password_reset", params={"link": "https://x.example/b"}, user_id=user
    )
    async with TestKafkaBroker(broker) as br:
        for request in (notice, account):
            await br.publish(
                events("notification.requested", request), topic="notification.requested"
            )
    statuses = dict(await pool.fetch("SELECT category, status FROM emails"))
    assert statuses == {"invoices": "skipped", "account": "pending"}
    assert await mailer.send_due() == 1


async def test_transient_smtp_failure_is_retried_later_and_then_sent(
    broker: KafkaBroker,
    events: Events,
    pool: asyncpg.Pool,
    dsn: str,
    public_key_file: Path,
    dead_smtp_port: int,
    settings: Settings,
    mailbox: Any,
) -> None:
    to = _to()
    async with TestKafkaBroker(broker) as br:
        await br.publish(
            events("notification.requested", _request(to)), topic="notification.requested"
        )
    down = Settings(**{**settings.model_dump(), "smtp_port": dead_smtp_port})
    assert await Mailer(pool, down).send_due() == 1
    row = await pool.fetchrow(
        "SELECT status, attempts, last_error, next_attempt_at > now() AS later FROM emails"
    )
    assert (row["status"], row["attempts"], row["later"]) == ("pending", 1, True)
    assert "Connect" in row["last_error"]
    # Not due yet: nothing is claimed before the backoff has passed.
    assert await Mailer(pool, settings).send_due() == 0
    await pool.execute("UPDATE emails SET next_attempt_at = now()")
    assert await Mailer(pool, settings).send_due() == 1
    assert len(await mailbox.wait_for(to)) == 1
    assert await pool.fetchval("SELECT status FROM emails") == "sent"


async def test_after_the_last_attempt_the_email_is_failed_for_good(
    broker: KafkaBroker, events: Events, pool: asyncpg.Pool, settings: Settings, dead_smtp_port: int
) -> None:
    async with TestKafkaBroker(broker) as br:
        await br.publish(
            events("notification.requested", _request(_to())), topic="notification.requested"
        )
    down = Settings(
        **{**settings.model_dump(), "smtp_port": dead_smtp_port, "mail_max_attempts": 2}
    )
    for _ in range(2):
        await pool.execute("UPDATE emails SET next_attempt_at = now()")
        assert await Mailer(pool, down).send_due() == 1
    row = await pool.fetchrow("SELECT status, attempts FROM emails")
    assert (row["status"], row["attempts"]) == ("failed", 2)


async def test_a_claim_left_by_a_crashed_sender_is_resent_with_the_same_message_id(
    broker: KafkaBroker, events: Events, pool: asyncpg.Pool, mailer: Mailer, mailbox: Any
) -> None:
    crashed, busy, done = _to(), _to(), _to()
    requests = [_request(a) for a in (crashed, busy, done)]
    async with TestKafkaBroker(broker) as br:
        for request in requests:
            await br.publish(
                events("notification.requested", request), topic="notification.requested"
            )
    # As a sender would leave them: one claimed and then killed (lease expired), one being sent
    # right now by another replica (lease valid), one already sent.
    await pool.execute(
        "UPDATE emails SET status = 'sending', attempts = 1,"
        " lease_until = now() - interval '1 second' WHERE to_email = $1",
        crashed,
    )
    await pool.execute(
        "UPDATE emails SET status = 'sending', attempts = 1,"
        " lease_until = now() + interval '1 hour' WHERE to_email = $1",
        busy,
    )
    await pool.execute("UPDATE emails SET status = 'sent' WHERE to_email = $1", done)
    assert await mailer.send_due() == 1
    [mail] = await mailbox.wait_for(crashed)
    assert mail["messageId"] == f"{requests[0].notification_id}@notification.rachmistrz"
    statuses = dict(await pool.fetch("SELECT to_email, status FROM emails"))
    assert statuses == {crashed: "sent", busy: "sending", done: "sent"}
    assert await mailbox.to(busy) == []
    assert await mailbox.to(done) == []


async def test_the_running_mailer_is_woken_by_a_queued_email(
    broker: KafkaBroker, events: Events, mailer: Mailer, mailbox: Any
) -> None:
    to = _to()
    task = asyncio.create_task(mailer.run())
    try:
        async with TestKafkaBroker(broker) as br:
            await br.publish(
                events("notification.requested", _request(to)), topic="notification.requested"
            )
        assert len(await mailbox.wait_for(to)) == 1
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
