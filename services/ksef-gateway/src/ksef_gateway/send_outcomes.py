"""The outcome of a send: `invoice.sent` or `invoice.send.failed`, with the queue row's final
state in the same transaction (a lost lease publishes nothing: the new holder will)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chassis.logs import get_logger
from contracts.ksef_gateway import InvoiceSent, SendError
from ksef_gateway import events, send_api
from ksef_gateway import send_repository as qrepo
from ksef_gateway.gateway import Gateway
from ksef_gateway.ksef_client import KsefError, KsefUnavailable, RateLimited, Unauthorized
from ksef_gateway.send_domain import (
    ACCEPTED,
    RETRYABLE,
    SESSION_GONE,
    SendItem,
    status_message,
    upo_document,
)

log = get_logger(__name__)


def _date(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def fail(
    gw: Gateway, owner: str, item: SendItem, errors: list[SendError], message: str, *, retry: bool
) -> None:
    async with gw.pool.acquire() as conn, conn.transaction():
        code = str(errors[0].code) if errors else None
        if await qrepo.finish(conn, item.invoice_id, owner, "failed", gw.clock.now(), None, code):
            await events.invoice_send_failed(
                conn, item.company_id, item.invoice_id, errors, message, retryable=retry
            )
    log.info("invoice refused", invoice_id=str(item.invoice_id), code=code)


UNAVAILABLE = SendError(code="ksef_unavailable", description="KSeF is unavailable.")
HANDED_BACK = "KSeF jest niedostępny: faktura zostanie wystawiona w trybie offline."


async def hand_back(gw: Gateway, owner: str, items: list[SendItem]) -> list[SendItem]:
    """Online invoices whose issuer can go offline return to `invoices` (which issues them
    offline and asks again, `offlineMode` true); returns the items that stay queued."""
    kept = []
    for item in items:
        if not item.offline_fallback or item.offline:
            kept.append(item)
            continue
        async with gw.pool.acquire() as conn, conn.transaction():
            if await qrepo.hand_back(conn, item.invoice_id, owner, gw.clock.now()):
                await events.invoice_send_failed(
                    conn, item.company_id, item.invoice_id, [UNAVAILABLE], HANDED_BACK,
                    retryable=True,
                )  # fmt: skip
                log.info("invoice handed back for offline issuing", invoice_id=str(item.invoice_id))
            else:
                kept.append(item)
    return kept


async def postpone(gw: Gateway, owner: str, items: list[SendItem], wait: float, why: str) -> None:
    at = gw.clock.now() + timedelta(seconds=wait)
    async with gw.pool.acquire() as conn:
        await qrepo.postpone(conn, [i.invoice_id for i in items], owner, at, why)


async def find(gw: Gateway, nip: str, token: str, session: str, digest: str) -> str | None:
    """The invoice's reference in `session`, None when it is not there (or cannot be listed:
    then it is posted again and KSeF's duplicate check answers)."""
    try:
        return await send_api.find_by_hash(gw.ksef, nip, token, session, digest)
    except (KsefUnavailable, RateLimited, Unauthorized):
        raise
    except KsefError as error:
        if error.code not in SESSION_GONE:
            log.warning("session invoices not listed", session=session, error=str(error))
        return None


async def publish_sent(
    gw: Gateway,
    owner: str,
    item: SendItem,
    token: str,
    session: str,
    status: dict[str, Any],
    upo: str | None = None,
) -> None:
    if upo is None:
        upo = await send_api.upo(
            gw.ksef, item.company_nip, token, session, status["referenceNumber"]
        )
    data = InvoiceSent(
        company_id=item.company_id,
        invoice_id=item.invoice_id,
        ksef_number=status["ksefNumber"],
        reference_number=status["referenceNumber"],
        session_reference=session,
        invoice_hash=item.invoice_hash,
        acquisition_date=_date(status.get("acquisitionDate")),
        permanent_storage_date=_date(status.get("permanentStorageDate")),
        upo_xml=upo,
        offline=item.offline or status.get("invoicingMode") == "Offline",
    )
    async with gw.pool.acquire() as conn, conn.transaction():
        now = gw.clock.now()
        if await qrepo.finish(conn, item.invoice_id, owner, "sent", now, data.ksef_number, None):
            await events.invoice_sent(conn, data, item.company_nip)
    log.info("invoice sent", invoice_id=str(item.invoice_id), ksef_number=data.ksef_number)


async def duplicate(
    gw: Gateway, owner: str, item: SendItem, token: str, status: dict[str, Any]
) -> None:
    """440: when the original in KSeF is this very document (same hash), it was sent."""
    extensions = status["status"].get("extensions") or {}
    number = extensions.get("originalKsefNumber")
    original_session = extensions.get("originalSessionReferenceNumber")
    if number and original_session:
        nip = item.company_nip
        reference = await find(gw, nip, token, original_session, item.invoice_hash)
        if reference is not None:
            original = await send_api.invoice_status(
                gw.ksef, nip, token, original_session, reference
            )
            if int(original["status"]["code"]) == ACCEPTED:
                await publish_sent(gw, owner, item, token, original_session, original)
                return
        # The session could not be listed: the original's UPO names its hash too.
        try:
            upo = await send_api.upo(gw.ksef, nip, token, original_session, f"ksef/{number}")
        except (KsefUnavailable, RateLimited, Unauthorized):
            raise
        except KsefError:
            upo = None  # not readable in this context: it is someone else's document
        acquired = upo_document(upo, number, item.invoice_hash) if upo else None
        if acquired is not None:
            same = {
                **status,
                "ksefNumber": number,
                "acquisitionDate": acquired,
                "status": {"code": ACCEPTED},
            }
            await publish_sent(gw, owner, item, token, original_session, same, upo)
            return
    await refused(gw, owner, item, status, original=number)


async def refused(
    gw: Gateway, owner: str, item: SendItem, status: dict[str, Any], original: str | None = None
) -> None:
    code = int(status["status"]["code"])
    details = [str(d) for d in status["status"].get("details") or []]
    message = status_message(code)
    if original:
        message += f" Numer KSeF istniejącej faktury: {original}."
    error = SendError(
        code=code, description=status["status"].get("description", ""), details=details
    )
    await fail(gw, owner, item, [error], message, retry=code in RETRYABLE)
