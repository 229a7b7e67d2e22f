"""Who sends an invoice, and the online session per context that carries it.

Without `on_behalf_office_id` the company's own authorisation is used. With it, the office's
credential logs into the client's context, which needs the client's InvoiceWrite grant for the
office (KSEF-NOTES §4). One online session per context is reused for many invoices (12 h, up
to 10 000) and closed once idle, which also starts KSeF's collective UPO.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from chassis.logs import get_logger
from chassis.tenancy import get_org
from contracts.ksef_gateway import AuthMethod, AuthStatus
from ksef_gateway import repository as repo
from ksef_gateway import send_api, sessions, vault
from ksef_gateway import send_repository as qrepo
from ksef_gateway.domain import CompanyAuth
from ksef_gateway.gateway import Gateway
from ksef_gateway.ksef_client import KsefError
from ksef_gateway.send_domain import (
    SendRefused,
    office_session_key,
    parse_context_key,
    session_usable,
)

log = get_logger(__name__)


@dataclass(frozen=True)
class Sender:
    """The credential of a context: the authorisation to log in with and its session key."""

    auth: CompanyAuth
    session_key: UUID


@dataclass(frozen=True)
class OpenSession:
    reference: str
    key: bytes
    iv: bytes


async def sender_of(gw: Gateway, context_key: str, nip: str) -> Sender:
    """The credential for a context key, or `SendRefused` saying what the user must fix."""
    company_id, office_id = parse_context_key(context_key)
    async with gw.pool.acquire() as conn:
        own = await repo.get_auth(conn, company_id)
        if office_id is None:
            if own is None or own.method is AuthMethod.none:
                raise SendRefused(
                    "ksef_authorization_missing",
                    "Firma nie ma skonfigurowanej autoryzacji KSeF. Skonfiguruj ją i wyślij"
                    " fakturę ponownie.",
                )
            if own.status is not AuthStatus.active:
                raise SendRefused(f"authorization_{own.status.value}", own.message or "")
            return Sender(own, company_id)
        company = await get_org(conn, company_id)
        credential = await repo.get_office_credential(conn, office_id)
    if company is None or company.office_id != office_id:
        raise SendRefused("office_not_serving", "Biuro nie obsługuje tej firmy.")
    if credential is None:
        raise SendRefused(
            "office_credential_missing", "Biuro nie ma zarejestrowanego certyfikatu KSeF."
        )
    if own is not None and own.method is AuthMethod.office:
        if "InvoiceWrite" not in own.permissions:
            raise SendRefused(
                "no_invoice_write",
                "Klient nie nadał biuru w KSeF uprawnienia do wystawiania faktur"
                " (InvoiceWrite). Poproś klienta o nadanie uprawnienia i sprawdź ponownie.",
            )
        key = company_id
    else:
        key = office_session_key(company_id, office_id)
    return Sender(CompanyAuth(company_id, nip, AuthMethod.office, AuthStatus.active), key)


async def token_of(gw: Gateway, sender: Sender) -> str:
    return await sessions.access_token(gw, sender.auth, sender.session_key)


async def ensure(gw: Gateway, context_key: str, nip: str, token: str) -> OpenSession:
    """The context's open session, or a new one when there is none or it is nearly used up."""
    now = gw.clock.now()
    async with gw.pool.acquire() as conn:
        row = await qrepo.get_session(conn, context_key)
        if row is not None and session_usable(row["valid_until"], row["invoice_count"], now):
            secret = await vault.get(conn, gw.vault, row["key_secret"])
            return OpenSession(row["reference"], secret[:32], secret[32:])
    if row is not None:
        await close(gw, context_key, nip, row["reference"], token)
    reference, valid_until, key = await send_api.open_session(gw.ksef, nip, token)
    async with gw.pool.acquire() as conn, conn.transaction():
        secret_id = await vault.put(conn, gw.vault, key.key + key.iv)
        old = await qrepo.get_session(conn, context_key)
        await qrepo.save_session(conn, context_key, nip, reference, secret_id, valid_until, now)
        if old is not None:
            await vault.delete(conn, old["key_secret"])
    log.info("online session opened", context=context_key, session=reference)
    return OpenSession(reference, key.key, key.iv)


async def forget(gw: Gateway, context_key: str, reference: str) -> None:
    async with gw.pool.acquire() as conn, conn.transaction():
        await vault.delete(conn, await qrepo.delete_session(conn, context_key, reference))


async def close(gw: Gateway, context_key: str, nip: str, reference: str, token: str) -> None:
    """Close the session (KSeF then builds its collective UPO); forget it either way unless
    KSeF is unreachable, so a later round tries again."""
    try:
        await send_api.close_session(gw.ksef, nip, token, reference)
    except KsefError as error:
        if error.status in (0, 429) or error.status >= 500:
            raise
        log.info("session already closed", session=reference, code=error.code)
    await forget(gw, context_key, reference)
    log.info("online session closed", context=context_key, session=reference)


async def close_idle(gw: Gateway, idle_seconds: float) -> int:
    """Close every session unused for `idle_seconds` with nothing left to send in it."""
    before = gw.clock.now() - timedelta(seconds=idle_seconds)
    async with gw.pool.acquire() as conn:
        rows = await qrepo.idle_sessions(conn, before)
    closed = 0
    for row in rows:
        try:
            sender = await sender_of(gw, row["context_key"], row["company_nip"])
            token = await token_of(gw, sender)
            await close(gw, row["context_key"], row["company_nip"], row["reference"], token)
            closed += 1
        except (SendRefused, sessions.LoginFailed):
            # Nobody can log into that context any more; KSeF ends the session after 12 h.
            await forget(gw, row["context_key"], row["reference"])
        except KsefError as error:
            log.warning(
                "closing an idle session failed", session=row["reference"], error=str(error)
            )
    return closed
