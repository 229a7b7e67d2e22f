"""New invoices that keep arriving while the simulator runs (demo and benchmark mode).

Arrivals form one deterministic stream across all seeded companies with exponential gaps, so on
average each company issues `per_company_per_hour` invoices per *simulated* hour. They are
generated lazily: every read of invoice data first catches the stream up to "now". An invoice
therefore never appears with a storage date at or below the HWM after the HWM has passed it.
"""

import random
from datetime import datetime, timedelta

from .fa3_plan import Party
from .seed import CompanySales
from .store import Store

# Live invoice numbers continue after the seeded ones, so they never clash with them.
LIVE_NUMBER_OFFSET = 500_000


class Arrivals:
    def __init__(self) -> None:
        self.per_company_per_hour = 0.0
        self.generated = 0
        self._firms: list[Party] = []
        self._sales: dict[int, CompanySales] = {}
        self._rng = random.Random(0)
        self._seed = 0
        self._next: datetime | None = None

    def configure(self, seed: int, firms: list[Party], per_hour: float, now: datetime) -> None:
        """Start (or change, or with 0 stop) the stream from `now` on."""
        if firms is not self._firms or seed != self._seed:
            self._firms, self._seed, self._sales = firms, seed, {}
            self._rng = random.Random(seed * 7_919 + 1)
        self.per_company_per_hour = per_hour if firms else 0.0
        self._next = now + self._gap() if self.per_company_per_hour > 0 else None

    def _gap(self) -> timedelta:
        rate_per_second = self.per_company_per_hour * len(self._firms) / 3600.0
        return timedelta(seconds=self._rng.expovariate(rate_per_second))

    def _sales_of(self, index: int) -> CompanySales:
        sales = self._sales.get(index)
        if sales is None:
            sales = CompanySales(self._seed + 1, index, self._firms)
            sales.count = LIVE_NUMBER_OFFSET
            self._sales[index] = sales
        return sales

    async def catch_up(self, store: Store, now: datetime) -> int:
        """Add every invoice due by `now` (accepted by KSeF at its arrival time)."""
        added = 0
        while self._next is not None and self._next <= now:
            index = self._rng.randrange(len(self._firms))
            await store.add_invoice(self._sales_of(index).next(self._next))
            self._next += self._gap()
            added += 1
        self.generated += added
        return added

    def to_json(self) -> dict[str, object]:
        return {
            "perCompanyPerHour": self.per_company_per_hour,
            "companies": len(self._firms),
            "generated": self.generated,
        }
