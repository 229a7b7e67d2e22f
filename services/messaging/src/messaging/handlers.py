"""Kafka handlers of messaging: thin, each applies one event on the inbox transaction."""

from __future__ import annotations

from typing import Any

from chassis import tenancy
from chassis.db import Conn
from chassis.inbox import EffectHandler
from chassis.kafka import Route
from chassis.runtime import Runtime
from contracts import Envelope
from messaging import members, notices
from messaging.config import Settings
from messaging.posting import Links


async def on_membership_changed(conn: Conn, event: Envelope[Any]) -> str:
    return await members.apply_membership(conn, event.data)


async def on_notification_requested(conn: Conn, event: Envelope[Any]) -> str:
    return await notices.requested_email(conn, event.data)


def own_routes(links: Links) -> list[Route]:
    async def on_inquiry_requested(conn: Conn, event: Envelope[Any]) -> str:
        return await notices.open_inquiry(conn, event.data, links)

    async def on_tax_item_due(conn: Conn, event: Envelope[Any]) -> str:
        return await notices.tax_item_due(conn, event.data, links)

    async def on_invoice_send_failed(conn: Conn, event: Envelope[Any]) -> str:
        return await notices.invoice_send_failed(conn, event.data, links, event_id=event.event_id)

    handlers: dict[str, EffectHandler] = {
        "user.membership.changed": on_membership_changed,
        "notification.requested": on_notification_requested,
        "inquiry.requested": on_inquiry_requested,
        "tax.item.due": on_tax_item_due,
        "invoice.send.failed": on_invoice_send_failed,
    }
    return [Route(topic, {1: handler}) for topic, handler in handlers.items()]


def routes(runtime: Runtime) -> list[Route]:
    settings = runtime.settings
    assert isinstance(settings, Settings)
    return tenancy.routes(own_routes(Links(settings.public_url)))
