"""Central authorisation: the office's own credential logs into every client's context.

The office registers its certificate once (a qualified seal, or a KSeF Authentication
certificate, which it can also enrol here from a first XAdES login). For each client the
gateway reads, with the permissions query in the office's own context, whether the client
granted the office InvoiceRead (and canDelegate, InvoiceWrite) (KSEF-NOTES §4, §11.3).
"""

from __future__ import annotations

import base64
from datetime import datetime
from uuid import UUID

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from chassis.db import Conn
from chassis.tenancy import get_org, require_company
from chassis.tokens import Principal
from contracts.ksef_gateway import AuthMethod, AuthStatus
from ksef_gateway import errors, events, sessions, vault, xades
from ksef_gateway import repository as repo
from ksef_gateway.credentials import replace_auth
from ksef_gateway.domain import CompanyAuth, OfficeCredential
from ksef_gateway.gateway import Gateway
from ksef_gateway.ksef_client import KsefError, KsefUnavailable, RateLimited

OFFICE_MANAGERS = ("admin", "manager")


def _require_office(principal: Principal, *, manage: bool) -> None:
    if not principal.is_office:
        raise errors.NotAnOffice()
    if manage:
        principal.require_role(*OFFICE_MANAGERS)


async def _office_nip(gw: Gateway, office_id: UUID) -> str:
    async with gw.pool.acquire() as conn:
        office = await get_org(conn, office_id)
    if office is None:
        raise errors.NotAnOffice()
    return office.nip


def _office_auth(office_id: UUID, nip: str) -> CompanyAuth:
    """The office's own context, logged into with its credential (method `office`)."""
    return CompanyAuth(office_id, nip, AuthMethod.office, AuthStatus.active)


async def register(
    gw: Gateway,
    principal: Principal,
    certificate: bytes,
    key: bytes,
    password: str | None,
    kind: str = "certificate",
    at: datetime | None = None,
) -> OfficeCredential:
    """Register or replace the office credential; verified by a login into the office context."""
    _require_office(principal, manage=True)
    nip = await _office_nip(gw, principal.org_id)
    credential = xades.load_credential(certificate, key, password, at or gw.clock.now())
    try:
        ref, op = await sessions.login_with_signature(gw, nip, credential)
        tokens = await sessions.finish_login(gw, ref, op)
    except sessions.LoginFailed as failed:
        raise errors.KsefRejected(failed.message, details={"ksef_code": failed.code}) from failed
    except (KsefUnavailable, RateLimited) as error:
        raise errors.KsefUnavailableError() from error
    async with gw.pool.acquire() as conn, conn.transaction():
        old = await repo.get_office_credential(conn, principal.org_id)
        stored = OfficeCredential(
            office_id=principal.org_id,
            office_nip=nip,
            kind=kind,
            certificate_pem=credential.certificate_pem,
            key_secret=await vault.put(conn, gw.vault, credential.key_pem()),
            subject=credential.certificate.subject.rfc4514_string(),
            valid_from=credential.certificate.not_valid_before_utc,
            valid_until=credential.valid_until,
            status="active",
        )
        await repo.save_office_credential(conn, stored)
        if old is not None:
            await vault.delete(conn, old.key_secret)
    await sessions.store_tokens(gw, principal.org_id, tokens)
    return stored


async def credential(gw: Gateway, principal: Principal) -> OfficeCredential:
    _require_office(principal, manage=False)
    async with gw.pool.acquire() as conn:
        found = await repo.get_office_credential(conn, principal.org_id)
    if found is None:
        raise errors.OfficeCredentialMissing()
    return found


async def _office_token(gw: Gateway, office_id: UUID) -> tuple[str, str]:
    nip = await _office_nip(gw, office_id)
    try:
        return nip, await sessions.access_token(gw, _office_auth(office_id, nip))
    except sessions.LoginFailed as failed:
        raise errors.KsefRejected(failed.message, details={"ksef_code": failed.code}) from failed
    except (KsefUnavailable, RateLimited) as error:
        raise errors.KsefUnavailableError() from error


async def granted_permissions(
    gw: Gateway, office_id: UUID, client_nip: str | None
) -> dict[str, list[str]]:
    """Client NIP -> what it granted the office: InvoiceRead, InvoiceWrite, canDelegate."""
    nip, token = await _office_token(gw, office_id)
    grants: dict[str, set[str]] = {}
    try:
        for page in range(100):
            body = await gw.ksef.entity_grants(nip, token, client_nip, page)
            for g in body.get("permissions") or []:
                perms = grants.setdefault(g["contextIdentifier"]["value"], set())
                perms.add(g["permissionScope"])
                if g.get("canDelegate"):
                    perms.add("canDelegate")
            if not body.get("hasMore"):
                break
    except (KsefUnavailable, RateLimited) as error:
        raise errors.KsefUnavailableError() from error
    except KsefError as error:
        raise errors.KsefRejected(
            "Certyfikat biura nie ma w KSeF uprawnienia do przeglądania uprawnień"
            " (CredentialsRead).",
            details={"ksef_code": error.code},
        ) from error
    return {k: sorted(v) for k, v in grants.items()}


async def use_office(
    gw: Gateway, principal: Principal, company_id: UUID, sync_from: datetime | None
) -> CompanyAuth:
    """The client company is read with the office's credential (central authorisation)."""
    _require_office(principal, manage=True)
    async with gw.pool.acquire() as conn:
        company = await require_company(conn, principal, company_id)
        if await repo.get_office_credential(conn, principal.org_id) is None:
            raise errors.OfficeCredentialMissing()
    grants = await granted_permissions(gw, principal.org_id, company.nip)
    auth = _judged(
        CompanyAuth(company.org_id, company.nip, AuthMethod.office, AuthStatus.failed),
        grants.get(company.nip, []),
        gw.clock.now(),
    )
    async with gw.pool.acquire() as conn, conn.transaction():
        old = await repo.get_auth(conn, company.org_id, lock=True)
        if old is not None and old.method is not AuthMethod.office:
            await sessions_forget_in(conn, company.org_id)
        await replace_auth(gw, conn, auth, sync_from)
    return auth


async def sessions_forget_in(conn: Conn, company_id: UUID) -> None:
    await vault.delete(conn, *await repo.delete_session(conn, company_id))


def _judged(auth: CompanyAuth, permissions: list[str], now: datetime) -> CompanyAuth:
    status = AuthStatus.active if "InvoiceRead" in permissions else AuthStatus.no_permission
    return auth.with_status(status, None, permissions=permissions, checked_at=now)


async def verify(gw: Gateway, principal: Principal, company_id: UUID | None) -> list[CompanyAuth]:
    """Check again what the clients (or one client) granted; publish every change."""
    _require_office(principal, manage=False)
    async with gw.pool.acquire() as conn:
        if company_id is not None:
            await require_company(conn, principal, company_id)
        clients = await repo.office_clients_with(conn, principal.org_id, AuthMethod.office)
    clients = [c for c in clients if company_id is None or c.company_id == company_id]
    if not clients:
        return []
    only = clients[0].company_nip if company_id is not None else None
    grants = await granted_permissions(gw, principal.org_id, only)
    async with gw.pool.acquire() as conn, conn.transaction():
        for i, client in enumerate(clients):
            judged = _judged(client, grants.get(client.company_nip, []), gw.clock.now())
            await repo.save_auth(conn, judged)
            if (judged.status, judged.permissions) != (client.status, client.permissions):
                await events.authorization_changed(conn, judged)
            clients[i] = judged
    return clients


async def enroll(gw: Gateway, principal: Principal, name: str) -> OfficeCredential:
    """Enrol a KSeF Authentication certificate for the office from its current credential."""
    _require_office(principal, manage=True)
    await credential(gw, principal)
    nip, token = await _office_token(gw, principal.org_id)
    try:
        data = await gw.ksef.other("GET", "/certificates/enrollments/data", nip, token)
        attributes = [(k, str(v)) for k, v in data.items() if v]
        key, csr = xades.build_csr(attributes)
        body = {
            "certificateName": name,
            "certificateType": "Authentication",
            "csr": base64.b64encode(csr).decode(),
            # Valid from our now, not KSeF's: a KSeF clock running ahead would otherwise give
            # a certificate that is "not yet valid" for us and for signature checks.
            "validFrom": gw.clock.now().replace(microsecond=0).isoformat(),
        }
        ref = (await gw.ksef.other("POST", "/certificates/enrollments", nip, token, json=body))[
            "referenceNumber"
        ]
        serial = await _enrolled_serial(gw, nip, token, ref)
        found = await gw.ksef.other(
            "POST",
            "/certificates/retrieve",
            nip,
            token,
            json={"certificateSerialNumbers": [serial]},
        )
    except (KsefUnavailable, RateLimited) as error:
        raise errors.KsefUnavailableError() from error
    except KsefError as error:
        raise errors.KsefRejected(
            f"KSeF odmówił wydania certyfikatu: {error.description}",
            details={"ksef_code": error.code},
        ) from error
    issued = x509.load_der_x509_certificate(
        base64.b64decode(found["certificates"][0]["certificate"])
    )
    cert_pem = issued.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    await sessions.forget(gw, principal.org_id)
    # KSeF stamps notBefore with its own clock, which may run a little ahead of ours: the
    # certificate it has just issued must not be refused as "not yet valid".
    at = max(gw.clock.now(), issued.not_valid_before_utc)
    return await register(gw, principal, cert_pem, key_pem, None, "ksef_certificate", at)


async def _enrolled_serial(gw: Gateway, nip: str, token: str, ref: str) -> str:
    for _ in range(30):
        status = await gw.ksef.other(
            "GET",
            f"/certificates/enrollments/{ref}",
            nip,
            token,
            group_path="/certificates/enrollments/{ref}",
        )
        if status["status"]["code"] == 200:
            return str(status["certificateSerialNumber"])
        if status["status"]["code"] != 100:
            raise KsefError(400, status["status"]["code"], status["status"].get("description", ""))
        await gw.clock.sleep(2.0)
    raise KsefUnavailable(0, 100, "enrolment still in progress")


async def remove(gw: Gateway, principal: Principal) -> None:
    _require_office(principal, manage=True)
    async with gw.pool.acquire() as conn, conn.transaction():
        found = await repo.get_office_credential(conn, principal.org_id)
        if found is None:
            raise errors.OfficeCredentialMissing()
        await repo.delete_office_credential(conn, principal.org_id)
        await vault.delete(conn, found.key_secret)
        await sessions_forget_in(conn, principal.org_id)
