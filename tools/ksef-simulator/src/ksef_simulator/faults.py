"""Faults on demand for /v2 (e2e tests, demos): outages, latency, 5xx, timeouts, 429, 403, 401.

Several faults can be active at once; each may be limited to a path prefix, to the contexts
(NIPs) of the caller's access token, to a fraction of requests (`rate`), and to a window of
simulated time. Latency and timeouts are simulated seconds too, so a sped-up clock shortens them
in proportion. The middleware is plain ASGI: with no fault active it costs one list lookup.
"""

import math
import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .clock import iso
from .errors import TooManyRequests, too_many, unavailable

MODES = ("unavailable", "slow", "errors", "timeout", "throttle", "forbidden", "expiredTokens")


@dataclass
class Fault:
    mode: str
    latency_seconds: float = 0.0  # slow: added delay; timeout: how long before giving up
    until: datetime | None = None  # simulated time; None = until cleared
    rate: float = 1.0  # share of matching requests affected (errors, throttle)
    status: int = 500  # errors: the 5xx to answer
    retry_after: int = 60  # throttle: Retry-After seconds
    path_prefix: str = "/v2"
    contexts: frozenset[str] = frozenset()  # empty = every caller
    started: datetime | None = None  # simulated time it began (the status service shows it)
    id: str = field(default_factory=lambda: secrets.token_hex(4))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "mode": self.mode,
            "latencySeconds": self.latency_seconds,
            "until": iso(self.until) if self.until else None,
            "rate": self.rate,
            "status": self.status,
            "retryAfter": self.retry_after,
            "pathPrefix": self.path_prefix,
            "contexts": sorted(self.contexts),
        }


class Faults:
    def __init__(self, seed: int = 0) -> None:
        self.faults: list[Fault] = []
        self._rng = random.Random(seed)  # which requests a `rate` picks is reproducible

    def add(self, fault: Fault) -> Fault:
        self.faults.append(fault)
        return fault

    def remove(self, fault_id: str) -> bool:
        kept = [f for f in self.faults if f.id != fault_id]
        found, self.faults = len(kept) != len(self.faults), kept
        return found

    def clear(self) -> None:
        self.faults = []

    def active(self, now: datetime) -> list[Fault]:
        if self.faults:
            self.faults = [f for f in self.faults if f.until is None or now < f.until]
        return self.faults

    def hits(self, fault: Fault) -> bool:
        return fault.rate >= 1.0 or self._rng.random() < fault.rate

    @staticmethod
    def retry_after(fault: Fault, now: datetime) -> int:
        """Seconds until the outage ends (60 when it is open-ended)."""
        if fault.until is None:
            return 60
        return max(1, math.ceil((fault.until - now).total_seconds()))


def problem(
    request: Request, status: int, title: str, detail: str, now: datetime, **extra: Any
) -> Response:
    body = {
        "title": title,
        "status": status,
        "instance": request.url.path,
        "timestamp": iso(now),
        "traceId": secrets.token_hex(16),
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


class FaultMiddleware:
    """Applies the active faults to /v2 requests; admin, storage links and /health are spared."""

    def __init__(self, app: ASGIApp, sim: Any) -> None:
        self.app, self.sim = app, sim

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v2"):
            faults = self.sim.faults.active(self.sim.clock.now())
            if faults:
                response = await self._apply(faults, Request(scope))
                if response is not None:
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    def _context(self, request: Request) -> str | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        try:
            claims = self.sim.tokens.decode(token.strip(), "ContextToken")
        except Exception:  # an invalid token is the API's business, not the fault's
            return None
        return str(claims.get("context-identifier-value"))

    async def _apply(self, faults: list[Fault], request: Request) -> Response | None:
        context = None
        if any(f.contexts for f in faults):
            context = self._context(request)
        for fault in list(faults):
            if not request.url.path.startswith(fault.path_prefix):
                continue
            if fault.contexts and context not in fault.contexts:
                continue
            response = await self._one(fault, request)
            if response is not None:
                return response
        return None

    async def _one(self, fault: Fault, request: Request) -> Response | None:
        sim = self.sim
        now = sim.clock.now()
        if fault.mode == "unavailable":
            return unavailable(request, sim.faults.retry_after(fault, now))
        if fault.mode == "slow":
            await sim.clock.sleep(fault.latency_seconds)
            return None
        if fault.mode == "timeout":
            # The client should give up first; if it does not, it gets a gateway timeout.
            await sim.clock.sleep(fault.latency_seconds)
            detail = "Przekroczono czas oczekiwania na odpowiedź systemu KSeF."
            return problem(request, 504, "Gateway Timeout", detail, sim.clock.now())
        if not sim.faults.hits(fault):
            return None
        if fault.mode == "errors":
            detail = "Wystąpił nieoczekiwany błąd systemu KSeF. Spróbuj ponownie później."
            return problem(request, fault.status, "Internal Server Error", detail, now)
        if fault.mode == "throttle":
            message = (
                f"Przekroczono limit żądań. Spróbuj ponownie po {fault.retry_after} sekundach."
            )
            return too_many(request, TooManyRequests(fault.retry_after, message))
        if fault.mode == "forbidden":  # as when the client has revoked the caller's rights
            detail = "Brak wymaganych uprawnień do wykonania operacji w bieżącym kontekście."
            return problem(request, 403, "Forbidden", detail, now, reasonCode="missing-permissions")
        if fault.mode == "expiredTokens" and request.headers.get("authorization"):
            return problem(request, 401, "Unauthorized", "Token wygasł.", now)
        return None
