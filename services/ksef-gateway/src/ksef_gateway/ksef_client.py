"""The only module that speaks HTTP to KSeF 2.0 (`KSEF_BASE_URL`, ending in /v2).

Every call first passes the rate governor for its (context, endpoint group). A 429 or 503 with
`Retry-After` blocks that pair (or all of KSeF) for exactly that long and raises; callers
resume from their checkpoint. Timeouts, connection errors and 5xx become `KsefUnavailable`.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from ksef_gateway.availability import Health
from ksef_gateway.crypto import ExportKey, MfKey, pick_key
from ksef_gateway.governor import EVERYTHING, RateGovernor


class KsefError(Exception):
    """KSeF answered with an error (`code` is the KSeF exception or status code)."""

    def __init__(self, status: int, code: int | str | None, description: str) -> None:
        super().__init__(f"KSeF {status} {code}: {description}")
        self.status = status
        self.code = code
        self.description = description


class KsefUnavailable(KsefError):
    """5xx, timeout or no connection: transient, try again later."""


class RateLimited(KsefError):
    """429: the governor holds the pair back for `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(429, 429, f"Too Many Requests, retry after {retry_after}s")
        self.retry_after = retry_after


class Unauthorized(KsefError):
    """401: the access token is expired or revoked."""


class ForbiddenByKsef(KsefError):
    """403: no permission (e.g. `missing-permissions`) in this context."""


@dataclass(frozen=True)
class Tokens:
    access: str
    access_until: datetime
    refresh: str | None
    refresh_until: datetime | None


def _retry_after(resp: httpx.Response, default: float) -> float:
    try:
        return max(float(resp.headers.get("retry-after", default)), 0.0)
    except ValueError:
        return default


def _error(resp: httpx.Response) -> KsefError:
    try:
        body = resp.json()
    except ValueError:
        body = {}
    code: int | str | None = resp.status_code
    text = str(body.get("detail") or body.get("title") or resp.reason_phrase)
    if items := body.get("errors"):
        code, text = items[0].get("code"), str(items[0].get("description"))
    elif legacy := (body.get("exception") or {}).get("exceptionDetailList"):
        code, text = legacy[0].get("exceptionCode"), str(legacy[0].get("exceptionDescription"))
    elif body.get("reasonCode"):
        code = body["reasonCode"]
    kind = {401: Unauthorized, 403: ForbiddenByKsef}.get(resp.status_code, KsefError)
    return kind(resp.status_code, code, text)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class KsefClient:
    def __init__(
        self,
        base_url: str,
        governor: RateGovernor,
        *,
        timeout: float = 30.0,
        http: httpx.AsyncClient | None = None,
        health: Health | None = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self.health = health or Health()
        self._governor = governor
        self._http = http or httpx.AsyncClient(timeout=timeout)
        self._keys: tuple[float, list[MfKey]] | None = None

    async def aclose(self) -> None:
        await self._http.aclose()

    async def call(
        self,
        method: str,
        path: str,
        *,
        context: str,
        group: str,
        token: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One governed request; raises the errors above instead of returning a failure."""
        await self._governor.acquire(context, group)
        headers = {"X-Error-Format": "problem-details", **kwargs.pop("headers", {})}
        if token:
            headers |= _bearer(token)
        try:
            resp = await self._http.request(method, self._base + path, headers=headers, **kwargs)
        except (httpx.TimeoutException, httpx.TransportError) as error:
            self.health.failed(retry_after=False)
            raise KsefUnavailable(0, type(error).__name__, str(error) or "timeout") from error
        if resp.status_code < 500:
            self.health.ok()  # KSeF answered (even a 4xx is an answer)
        else:
            self.health.failed(retry_after="retry-after" in resp.headers)
        if resp.status_code == 429:
            wait = _retry_after(resp, 60.0)
            await self._governor.block(context, group, wait, too_many=True)
            raise RateLimited(wait)
        if resp.status_code >= 500:
            if "retry-after" in resp.headers:
                # An outage (maintenance): hold every request, not just this context's.
                await self._governor.block(EVERYTHING, EVERYTHING, _retry_after(resp, 60.0))
            raise KsefUnavailable(resp.status_code, resp.status_code, resp.text[:300])
        if resp.status_code >= 400:
            raise _error(resp)
        return resp

    # --- public keys and authentication --------------------------------------------------

    async def public_key(self, usage: str) -> MfKey:
        if self._keys is None or time.monotonic() - self._keys[0] > 3600:
            resp = await self.call(
                "GET", "/security/public-key-certificates", context=EVERYTHING, group="auth"
            )
            self._keys = (time.monotonic(), [MfKey.of(k) for k in resp.json()])
        return pick_key(self._keys[1], usage)

    def forget_keys(self) -> None:
        """After 21470 (unknown publicKeyId): the keys rotated, fetch them again."""
        self._keys = None

    async def challenge(self) -> dict[str, Any]:
        resp = await self.call("POST", "/auth/challenge", context=EVERYTHING, group="auth")
        return dict(resp.json())

    async def auth_with_token(self, nip: str, ksef_token: str) -> tuple[str, str]:
        ch = await self.challenge()
        key = await self.public_key("KsefTokenEncryption")
        body = {
            "challenge": ch["challenge"],
            "contextIdentifier": {"type": "Nip", "value": nip},
            "encryptedToken": key.encrypt_b64(f"{ksef_token}|{ch['timestampMs']}".encode()),
            "publicKeyId": key.public_key_id,
        }
        resp = await self.call(
            "POST", "/auth/ksef-token", context=EVERYTHING, group="auth", json=body
        )
        return resp.json()["referenceNumber"], resp.json()["authenticationToken"]["token"]

    async def auth_with_xades(self, signed: bytes) -> tuple[str, str]:
        resp = await self.call(
            "POST",
            "/auth/xades-signature",
            context=EVERYTHING,
            group="auth",
            content=signed,
            headers={"Content-Type": "application/xml"},
        )
        return resp.json()["referenceNumber"], resp.json()["authenticationToken"]["token"]

    async def auth_status(self, reference: str, operation_token: str) -> dict[str, Any]:
        resp = await self.call(
            "GET", f"/auth/{reference}", context=EVERYTHING, group="auth", token=operation_token
        )
        return dict(resp.json())

    async def redeem(self, operation_token: str) -> Tokens:
        resp = await self.call(
            "POST", "/auth/token/redeem", context=EVERYTHING, group="auth", token=operation_token
        )
        body = resp.json()
        return Tokens(
            body["accessToken"]["token"],
            datetime.fromisoformat(body["accessToken"]["validUntil"]),
            body["refreshToken"]["token"],
            datetime.fromisoformat(body["refreshToken"]["validUntil"]),
        )

    async def refresh(self, refresh_token: str) -> tuple[str, datetime]:
        resp = await self.call(
            "POST", "/auth/token/refresh", context=EVERYTHING, group="auth", token=refresh_token
        )
        access = resp.json()["accessToken"]
        return access["token"], datetime.fromisoformat(access["validUntil"])

    # --- invoices -------------------------------------------------------------------------

    async def query_metadata(
        self, nip: str, token: str, filters: dict[str, Any], page: int, size: int = 250
    ) -> dict[str, Any]:
        resp = await self.call(
            "POST",
            "/invoices/query/metadata",
            context=nip,
            group="invoiceMetadata",
            token=token,
            json=filters,
            params={"sortOrder": "Asc", "pageOffset": page, "pageSize": size},
        )
        return dict(resp.json())

    async def download_invoice(self, nip: str, token: str, ksef_number: str) -> bytes:
        resp = await self.call(
            "GET",
            f"/invoices/ksef/{ksef_number}",
            context=nip,
            group="invoiceDownload",
            token=token,
        )
        return resp.content

    async def start_export(
        self, nip: str, token: str, filters: dict[str, Any]
    ) -> tuple[str, ExportKey]:
        mf = await self.public_key("SymmetricKeyEncryption")
        key = ExportKey.new(mf)
        body = {"encryption": key.encryption, "filters": filters, "compressionType": "Zip"}
        resp = await self.call(
            "POST", "/invoices/exports", context=nip, group="invoiceExport", token=token, json=body
        )
        return resp.json()["referenceNumber"], key

    async def export_status(self, nip: str, token: str, reference: str) -> dict[str, Any]:
        resp = await self.call(
            "GET",
            f"/invoices/exports/{reference}",
            context=nip,
            group="invoiceExportStatus",
            token=token,
        )
        return dict(resp.json())

    async def download_part(self, url: str) -> bytes:
        """Pre-signed part URLs take no token and are not rate-limited."""
        try:
            resp = await self._http.get(url)
        except (httpx.TimeoutException, httpx.TransportError) as error:
            raise KsefUnavailable(0, type(error).__name__, str(error)) from error
        if resp.status_code != 200:
            raise KsefUnavailable(resp.status_code, resp.status_code, "export part not available")
        return resp.content

    # --- permissions and certificates ("other": one counter per endpoint) -----------------

    async def entity_grants(
        self, nip: str, token: str, client_nip: str | None, page: int
    ) -> dict[str, Any]:
        path = "/permissions/query/entities/grants"
        body = {"contextIdentifier": {"type": "Nip", "value": client_nip}} if client_nip else {}
        resp = await self.call(
            "POST",
            path,
            context=nip,
            group=f"other:{path}",
            token=token,
            json=body,
            params={"pageOffset": page, "pageSize": 100},
        )
        return dict(resp.json())

    async def other(
        self,
        method: str,
        path: str,
        nip: str,
        token: str,
        group_path: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        resp = await self.call(
            method, path, context=nip, group=f"other:{group_path or path}", token=token, **kwargs
        )
        return dict(resp.json()) if resp.content else {}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
