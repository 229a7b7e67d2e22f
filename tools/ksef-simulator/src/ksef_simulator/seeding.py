"""Loading seeded test data into the store (startup, CLI flags and the admin API)."""

import asyncio
import time
from dataclasses import dataclass

from . import seed
from .simulator import Simulator

YIELD_EVERY = 5_000  # let the event loop answer other requests while a big seed loads


@dataclass
class SeedReport:
    seed: int
    companies: int
    invoices: int
    seconds: float

    def to_json(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "companies": self.companies,
            "invoices": self.invoices,
            "seconds": round(self.seconds, 3),
        }


class AlreadySeeded(Exception):
    """The same (seed, companies) data is already loaded; loading it twice would duplicate it."""


async def load(
    sim: Simulator, seed_value: int, companies: int, per_company: int, days: float = 60.0
) -> SeedReport:
    """Add `companies` × `per_company` deterministic invoices over the last `days` days."""
    key = (seed_value, companies)
    if key in sim.seeded:
        raise AlreadySeeded(key)
    sim.seeded.add(key)
    started = time.perf_counter()
    count = 0
    now = sim.clock.now()
    for invoice in seed.generate(seed_value, companies, per_company, now, days):
        await sim.store.add_invoice(invoice)
        count += 1
        if count % YIELD_EVERY == 0:
            await asyncio.sleep(0)
    return SeedReport(seed_value, companies, count, time.perf_counter() - started)


async def load_from_settings(sim: Simulator) -> SeedReport:
    """The seed chosen by the settings, and the arrival stream over the same companies."""
    s = sim.settings
    seed.set_named(s.named_companies)
    report = await load(sim, s.seed, s.seed_companies, s.seed_invoices, s.seed_days)
    firms = seed.companies(s.seed, s.seed_companies)
    sim.arrivals.configure(s.seed, firms, s.arrivals_per_company_hour, sim.clock.now())
    return report
