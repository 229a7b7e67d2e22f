"""Authentication use cases: challenge, token/XAdES submission, status, redeem, refresh."""

import base64
import binascii
import hashlib
import hmac
from datetime import timedelta

from . import certificates
from .clock import iso
from .domain import AuthOperation, Challenge, Ident, Status
from .errors import KsefError
from .ids import reference_number
from .jwt_tokens import context_claims
from .keys import TOKEN_USAGE
from .permissions import effective_permissions
from .simulator import Simulator
from .xades import SignedAuthRequest

CHALLENGE_TTL = timedelta(minutes=10)
OPERATION_TOKEN_TTL = timedelta(minutes=45)
IN_PROGRESS = Status(100, "Uwierzytelnianie w toku")
SUCCESS = Status(200, "Uwierzytelnianie zakończone sukcesem")
CERT_FAILURE = "Uwierzytelnianie zakończone niepowodzeniem z powodu błędu certyfikatu"
TOKEN_FAILURE = "Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu"
BLOCKED_DETAIL = (
    "Podejrzenie incydentu bezpieczeństwa. Skontaktuj się z Ministerstwem Finansów przez "
    "formularz zgłoszeniowy."
)


def no_permissions() -> Status:
    return Status(
        415, "Uwierzytelnianie zakończone niepowodzeniem", ["Brak przypisanych uprawnień"]
    )


def unauthorized(detail: str) -> KsefError:
    return KsefError(21301, "Brak autoryzacji.", detail)


async def new_challenge(sim: Simulator, client_ip: str) -> Challenge:
    now = sim.clock.now()
    # Challenges share the reference-number shape: `YYYYMMDD-CR-XXXXXXXXXX-XXXXXXXXXX-XX`.
    challenge = Challenge(reference_number("CR", now), now, client_ip)
    await sim.store.add_challenge(challenge)
    return challenge


async def _take_challenge(sim: Simulator, value: str) -> Challenge:
    challenge = await sim.store.take_challenge(value)
    if challenge is None or sim.clock.now() - challenge.issued_at > CHALLENGE_TTL:
        raise KsefError(21111, "Nieprawidłowe wyzwanie autoryzacyjne.")
    return challenge


def _refusal(sim: Simulator, op: AuthOperation) -> Status | None:
    """TEST-data states that end a login before permissions are looked at (notes §1)."""
    if sim.testdata.is_blocked(op.context):
        return Status(480, "Uwierzytelnienie zablokowane", [BLOCKED_DETAIL])
    person = sim.testdata.person(op.subject.value) if op.subject.type == "Pesel" else None
    if person is not None and person.is_deceased:
        return Status(
            470,
            "Uwierzytelnianie zakończone niepowodzeniem",
            ["Próba wykorzystania metod autoryzacyjnych osoby zmarłej"],
        )
    return None


async def _finish(sim: Simulator, op: AuthOperation) -> AuthOperation:
    """Decide the final status now: KSeF-token and self-signed checks are immediate."""
    if op.status.code == IN_PROGRESS.code:
        op.status = _refusal(sim, op) or op.status
    if op.status.code == IN_PROGRESS.code:
        granted = await effective_permissions(sim.store, op.subject, op.context, sim.testdata)
        if op.ksef_token_ref is not None:
            token = await sim.store.get_token(op.ksef_token_ref)
            granted = granted & frozenset(token.permissions if token else ())
        op.permissions = granted
        op.status = SUCCESS if granted else no_permissions()
    await sim.store.save_auth(op)
    return op


async def start_token_auth(
    sim: Simulator, challenge_value: str, context: Ident, encrypted: str, key_id: str | None
) -> AuthOperation:
    challenge = await _take_challenge(sim, challenge_value)
    now = sim.clock.now()
    op = AuthOperation(
        reference_number("AU", now), now, "Token", "Token", Ident("Nip", ""), context, IN_PROGRESS
    )
    try:
        ciphertext = base64.b64decode(encrypted, validate=True)
        plaintext = sim.keys.decrypt(ciphertext, TOKEN_USAGE, key_id).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        op.status = Status(450, TOKEN_FAILURE, ["Nieprawidłowy token"])
        return await _finish(sim, op)
    secret_part, _, stamp = plaintext.rpartition("|")
    if stamp != str(int(challenge.issued_at.timestamp() * 1000)):
        op.status = Status(450, TOKEN_FAILURE, ["Nieprawidłowy czas tokena"])
        return await _finish(sim, op)
    ref, _, _ = secret_part.partition("|")
    token = await sim.store.get_token(ref)
    op.ksef_token_ref = ref
    op.document_hash = base64.b64encode(hashlib.sha256(ciphertext).digest()).decode()
    if token is None or not hmac.compare_digest(token.secret, secret_part):
        op.status = Status(450, TOKEN_FAILURE, ["Nieprawidłowy token"])
    elif token.status != "Active":
        detail = "Token unieważniony" if token.status.startswith("Revok") else "Token nieaktywny"
        op.status = Status(450, TOKEN_FAILURE, [detail])
    elif token.context != context:
        op.status = Status(450, TOKEN_FAILURE, ["Nieprawidłowy token"])
    else:
        op.subject = token.author
        token.last_use = now
        await sim.store.save_token(token)
    return await _finish(sim, op)


async def start_xades_auth(sim: Simulator, request: SignedAuthRequest, raw: bytes) -> AuthOperation:
    await _take_challenge(sim, request.challenge)
    now = sim.clock.now()
    op = AuthOperation(
        reference_number("AU", now),
        now,
        request.method,
        "XadesSignature",
        request.subject,
        request.context,
        IN_PROGRESS,
        document_hash=base64.b64encode(hashlib.sha256(raw).digest()).decode(),
        certificate_subject=[
            (a.oid.dotted_string, str(a.value)) for a in request.certificate.subject
        ],
    )
    if sim.ca.issued(request.certificate):
        # A KSeF certificate: it must exist, be active and of type Authentication.
        op.method = "InternalCertificate"
        failure = await certificates.login_failure(sim, request.certificate)
        if failure is not None:
            op.status = Status(460, CERT_FAILURE, [failure])
    return await _finish(sim, op)


def operation_token(sim: Simulator, op: AuthOperation) -> dict[str, str]:
    token, until = sim.tokens.issue(
        "OperationToken", {"operation-reference-number": op.reference_number}, OPERATION_TOKEN_TTL
    )
    return {"token": token, "validUntil": iso(until)}


def status_json(op: AuthOperation) -> dict[str, object]:
    return {
        "startDate": iso(op.started),
        "authenticationMethod": op.method,
        "authenticationMethodInfo": {
            "category": op.category,
            "code": _method_code(op),
            "displayName": _method_display(op),
        },
        "status": op.status.to_json(),
        "isTokenRedeemed": op.redeemed,
        "lastTokenRefreshDate": iso(op.last_refresh) if op.last_refresh else None,
        "refreshTokenValidUntil": iso(op.refresh_valid_until) if op.refresh_valid_until else None,
    }


def _method_code(op: AuthOperation) -> str:
    return {
        "Token": "token.ksef",
        "QualifiedSeal": "eSeal.qualified",
        "InternalCertificate": "certificate.ksef",
    }.get(  # fmt: skip
        op.method, "eSignature.qualified"
    )


def _method_display(op: AuthOperation) -> str:
    return {
        "Token": "Token KSeF",
        "QualifiedSeal": "Pieczęć kwalifikowana",
        "InternalCertificate": "Certyfikat KSeF",
    }.get(  # fmt: skip
        op.method, "Podpis kwalifikowany"
    )


async def _check_token_alive(sim: Simulator, op: AuthOperation) -> None:
    if op.ksef_token_ref is None:
        return
    token = await sim.store.get_token(op.ksef_token_ref)
    if token is None or token.status != "Active":
        raise unauthorized("Token KSeF został unieważniony.")


def _access_token(sim: Simulator, op: AuthOperation) -> dict[str, str]:
    claims = context_claims(op.reference_number, op.context, op.subject, op.method)
    claims["permissions"] = sorted(op.permissions)
    ttl = timedelta(seconds=sim.settings.access_token_ttl_seconds)
    token, until = sim.tokens.issue("ContextToken", claims, ttl)
    return {"token": token, "validUntil": iso(until)}


async def redeem(sim: Simulator, op: AuthOperation) -> dict[str, dict[str, str]]:
    if op.redeemed:
        raise unauthorized(
            f"Tokeny dla operacji uwierzytelniania {op.reference_number} zostały już pobrane."
        )
    if op.status.code != SUCCESS.code:
        raise unauthorized(
            f"Status uwierzytelniania ({op.status.code}) nie pozwala na pobranie tokenów."
        )
    await _check_token_alive(sim, op)
    op.redeemed = True
    ttl = timedelta(seconds=sim.settings.refresh_token_ttl_seconds)
    refresh, until = sim.tokens.issue(
        "RefreshToken", {"operation-reference-number": op.reference_number}, ttl
    )
    op.refresh_valid_until = until
    await sim.store.save_auth(op)
    return {
        "accessToken": _access_token(sim, op),
        "refreshToken": {"token": refresh, "validUntil": iso(until)},
    }


async def refresh(sim: Simulator, op: AuthOperation) -> dict[str, dict[str, str]]:
    if op.revoked or op.status.code != SUCCESS.code:
        raise unauthorized(
            f"Status uwierzytelniania ({op.status.code}) nie pozwala na "
            "odświeżenie tokenu dostępowego."
        )
    await _check_token_alive(sim, op)
    # A refreshed access token carries the permissions as they are now (notes §2.1).
    op.permissions = await effective_permissions(sim.store, op.subject, op.context, sim.testdata)
    if op.ksef_token_ref is not None:
        token = await sim.store.get_token(op.ksef_token_ref)
        op.permissions &= frozenset(token.permissions if token else ())
    op.last_refresh = sim.clock.now()
    await sim.store.save_auth(op)
    return {"accessToken": _access_token(sim, op)}


async def revoke(sim: Simulator, op: AuthOperation) -> None:
    op.revoked = True
    op.status = Status(
        425,
        "Uwierzytelnienie unieważnione",
        ["Uwierzytelnienie i powiązane refresh tokeny zostały unieważnione przez użytkownika"],
    )
    await sim.store.save_auth(op)
