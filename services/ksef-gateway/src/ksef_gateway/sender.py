"""Sending one context's queued invoices: session, post, status, UPO, and the outcome event.

Each step is recorded before the next begins: `sending` with the session (before the POST),
`submitted` with KSeF's reference (after it), then `sent`/`failed` together with the outbox row.
A crash between the POST and `submitted` is healed by finding the invoice in its session by
hash; KSeF's own duplicate check (440) is the last guard and is answered with the original's
KSeF number when it is the same document. Transient trouble (outage, 429, budget) leaves the
items queued, offline invoices included, until KSeF answers again.
"""

from __future__ import annotations

from typing import Any

from chassis.logs import get_logger
from contracts.ksef_gateway import SendError
from ksef_gateway import send_api, send_sessions, sessions
from ksef_gateway import send_outcomes as outcomes
from ksef_gateway import send_repository as qrepo
from ksef_gateway.gateway import Gateway
from ksef_gateway.governor import BudgetExhausted
from ksef_gateway.ksef_client import (
    ForbiddenByKsef,
    KsefError,
    KsefUnavailable,
    RateLimited,
    Unauthorized,
)
from ksef_gateway.send_domain import (
    ACCEPTED,
    DUPLICATE,
    PROCESSING,
    SESSION_GONE,
    SendItem,
    SendRefused,
    backoff,
)
from ksef_gateway.send_sessions import Sender

log = get_logger(__name__)
MAX_PROTOCOL_ATTEMPTS = 10  # unexpected KSeF errors (not outages) before giving up
NO_WRITE = (
    "Dane logowania nie mają w KSeF uprawnienia do wystawiania faktur (InvoiceWrite) w"
    " kontekście tej firmy."
)


class Postponed(Exception):
    """This item waits (still processing in KSeF); the others of the context go on."""


async def process(gw: Gateway, owner: str, items: list[SendItem]) -> None:
    """Send a context's leased items in order; whatever happens, none stays leased."""
    pending = list(items)
    context, nip = items[0].context_key, items[0].company_nip
    base = gw.settings.send_retry_seconds
    sender: Sender | None = None
    try:
        sender = await send_sessions.sender_of(gw, context, nip)
        token = await send_sessions.token_of(gw, sender)
        while pending:
            try:
                await send_one(gw, owner, sender, token, pending[0])
            except Postponed:
                await outcomes.postpone(gw, owner, pending[:1], base, "processing")
            pending.pop(0)
    except SendRefused as refused:
        error = SendError(code=refused.code, description=refused.message)
        for item in pending:
            await outcomes.fail(gw, owner, item, [error], refused.message, retry=True)
    except sessions.LoginFailed as failed:
        error = SendError(code=failed.code or failed.status.value, description=failed.message)
        for item in pending:
            await outcomes.fail(gw, owner, item, [error], failed.message, retry=True)
    except ForbiddenByKsef as denied:
        error = SendError(code=denied.code or 403, description=denied.description)
        for item in pending:
            await outcomes.fail(gw, owner, item, [error], NO_WRITE, retry=True)
    except Unauthorized:
        if sender is not None:  # the token died early (revoked): log in again next time
            await sessions.forget(gw, sender.session_key)
        await outcomes.postpone(gw, owner, pending, base, "unauthorized")
    except BudgetExhausted as exhausted:
        if gw.ksef.health.down:  # held back by KSeF's own Retry-After: it is down
            pending = await outcomes.hand_back(gw, owner, pending)
        if pending:
            await outcomes.postpone(gw, owner, pending, exhausted.wait, "rate_budget")
    except RateLimited as limited:
        await outcomes.postpone(gw, owner, pending, limited.retry_after, "rate_limited")
    except KsefUnavailable:
        if gw.ksef.health.down:
            pending = await outcomes.hand_back(gw, owner, pending)
        if pending:
            wait = backoff(pending[0].attempts + 1, base).total_seconds()
            await outcomes.postpone(gw, owner, pending, wait, "ksef_unavailable")
    except KsefError as error:
        await _protocol_error(gw, owner, pending, error)


async def _protocol_error(
    gw: Gateway, owner: str, pending: list[SendItem], error: KsefError
) -> None:
    """An unexpected KSeF answer: retried a bounded number of times, then reported."""
    log.warning("unexpected KSeF error while sending", error=str(error))
    if error.code == 21470:  # MF's key rotated: fetch the keys again on the next attempt
        gw.ksef.forget_keys()
    head = pending[0]
    if head.attempts + 1 >= MAX_PROTOCOL_ATTEMPTS:
        message = f"KSeF nie przyjął faktury ({error.code}): {error.description}"
        errors = [SendError(code=error.code or error.status, description=error.description)]
        for item in pending:
            await outcomes.fail(gw, owner, item, errors, message, retry=True)
        return
    wait = backoff(head.attempts + 1, gw.settings.send_retry_seconds).total_seconds()
    await outcomes.postpone(gw, owner, pending, wait, f"ksef_{error.code}")


async def send_one(gw: Gateway, owner: str, sender: Sender, token: str, item: SendItem) -> None:
    nip = item.company_nip
    session, reference = item.session_ref, item.invoice_ref
    if item.state == "sending" and session:
        # Crashed between recording and KSeF's answer: did KSeF receive it?
        reference = await outcomes.find(gw, nip, token, session, item.invoice_hash)
        if reference is not None and not await _mark(gw, item, owner, "submitted", reference):
            return
    if reference is None:
        posted = await _post(gw, owner, item, token)
        if posted is None:
            return
        session, reference = posted
    assert session is not None
    status = await _wait_for_status(gw, nip, token, session, reference)
    code = int(status["status"]["code"])
    if code == ACCEPTED:
        await outcomes.publish_sent(gw, owner, item, token, session, status)
    elif code == DUPLICATE:
        await outcomes.duplicate(gw, owner, item, token, status)
    else:
        await outcomes.refused(gw, owner, item, status)


async def _mark(gw: Gateway, item: SendItem, owner: str, state: str, reference: str) -> bool:
    async with gw.pool.acquire() as conn:
        return await qrepo.mark(conn, item.invoice_id, owner, state, invoice_ref=reference)


async def _unmark(gw: Gateway, item: SendItem, owner: str) -> None:
    async with gw.pool.acquire() as conn:
        await qrepo.mark(conn, item.invoice_id, owner, "queued", session_ref=None)


async def _post(gw: Gateway, owner: str, item: SendItem, token: str) -> tuple[str, str] | None:
    """Post the invoice into the context's session; None when it ended here (lost, refused)."""
    for _ in range(2):  # a session KSeF no longer knows is replaced once
        session = await send_sessions.ensure(gw, item.context_key, item.company_nip, token)
        async with gw.pool.acquire() as conn:
            marked = await qrepo.mark(
                conn, item.invoice_id, owner, "sending", session_ref=session.reference
            )
        if not marked:
            return None
        try:
            reference = await send_api.send_invoice(
                gw.ksef,
                item.company_nip,
                token,
                session.reference,
                session.key,
                session.iv,
                item.xml.encode("utf-8"),
                offline=item.offline,
            )
        except (BudgetExhausted, RateLimited) as error:
            # Refused before KSeF looked at it: nothing to find later.
            await _unmark(gw, item, owner)
            raise error
        except KsefError as error:
            if isinstance(error, KsefUnavailable) and error.status == 503:
                await _unmark(gw, item, owner)  # maintenance answers before reading the body
                raise
            if error.code in SESSION_GONE:
                await send_sessions.forget(gw, item.context_key, session.reference)
                continue
            if error.status == 400:
                message = f"KSeF odrzucił plik faktury ({error.code}): {error.description}"
                errors = [SendError(code=error.code or 400, description=error.description)]
                await outcomes.fail(gw, owner, item, errors, message, retry=False)
                return None
            raise
        async with gw.pool.acquire() as conn, conn.transaction():
            await qrepo.used_session(conn, item.context_key, session.reference, gw.clock.now())
            if not await qrepo.mark(
                conn, item.invoice_id, owner, "submitted", invoice_ref=reference
            ):
                return None
        return session.reference, reference
    raise KsefUnavailable(0, 21173, "no usable online session")


async def _wait_for_status(
    gw: Gateway, nip: str, token: str, session: str, reference: str
) -> dict[str, Any]:
    delay = 0.5
    for _ in range(8):
        status = await send_api.invoice_status(gw.ksef, nip, token, session, reference)
        if int(status["status"]["code"]) not in PROCESSING:
            return status
        await gw.clock.sleep(delay)
        delay = min(delay * 2, 10.0)
    raise Postponed()
