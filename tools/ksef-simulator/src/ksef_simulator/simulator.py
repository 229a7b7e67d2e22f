"""The simulator's shared state: settings, clock, store, keys, token issuer and limiter."""

from dataclasses import dataclass, field
from datetime import datetime

from fastapi import Request

from .arrivals import Arrivals
from .ca import CertificateAuthority
from .clock import Clock
from .config import Settings
from .faults import Faults
from .jwt_tokens import TokenIssuer
from .keys import KeyRing
from .lighthouse import Lighthouse
from .ratelimit import RateLimiter
from .store import MemoryStore, Store
from .testdata import TestData


@dataclass
class Simulator:
    settings: Settings
    clock: Clock
    store: Store
    keys: KeyRing
    tokens: TokenIssuer
    limiter: RateLimiter
    ca: CertificateAuthority
    faults: Faults = field(default_factory=Faults)
    arrivals: Arrivals = field(default_factory=Arrivals)
    testdata: TestData = field(default_factory=TestData)
    lighthouse: Lighthouse = field(default_factory=Lighthouse)
    seeded: set[tuple[int, int]] = field(default_factory=set)  # (seed, companies) loaded
    # (now, HWM) frozen at the first page of a query so later pages see the same window.
    query_snapshots: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings, clock: Clock | None = None) -> "Simulator":
        clock = clock or Clock(settings.clock_speed)
        if settings.state != "memory":
            raise ValueError(f"unsupported state backend: {settings.state}")
        return cls(
            settings=settings,
            clock=clock,
            store=MemoryStore(),
            keys=KeyRing(clock.now()),
            tokens=TokenIssuer(clock),
            limiter=RateLimiter(clock, settings.rate_limit_scale),
            ca=CertificateAuthority(clock.now()),
        )


def sim_of(request: Request) -> Simulator:
    sim: Simulator = request.app.state.sim
    return sim


async def get_sim(request: Request) -> Simulator:
    """FastAPI dependency. Async on purpose: FastAPI runs a plain `def` dependency in a worker
    thread, and that hop cost about a millisecond per request (`benchmarks/ksef_simulator.py`)."""
    return sim_of(request)
