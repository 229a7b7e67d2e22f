"""What every use case needs, built once per process: pool, vault, KSeF client, clock, MinIO."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from ksef_gateway.availability import Health
from ksef_gateway.clock import Clock, ScaledClock
from ksef_gateway.config import Settings
from ksef_gateway.governor import RateGovernor
from ksef_gateway.ksef_client import KsefClient
from ksef_gateway.storage import MinioStore, ObjectStore
from ksef_gateway.vault import Vault


@dataclass
class Gateway:
    pool: asyncpg.Pool
    settings: Settings
    vault: Vault
    clock: Clock
    governor: RateGovernor
    ksef: KsefClient
    store: ObjectStore

    @classmethod
    def build(
        cls,
        pool: asyncpg.Pool,
        settings: Settings,
        clock: Clock | None = None,
        store: ObjectStore | None = None,
    ) -> Gateway:
        clock = clock or ScaledClock(settings.clock_speed)
        governor = RateGovernor(pool, clock, settings.rate_margin_seconds)
        return cls(
            pool=pool,
            settings=settings,
            vault=Vault.from_strings(
                settings.secrets_master_key.get_secret_value(),
                settings.secrets_previous_keys.get_secret_value(),
            ),
            clock=clock,
            governor=governor,
            ksef=KsefClient(
                settings.ksef_base_url,
                governor,
                timeout=settings.ksef_timeout_seconds,
                health=Health(settings.ksef_unavailable_after_failures),
            ),
            store=store or MinioStore(settings),
        )

    async def aclose(self) -> None:
        await self.ksef.aclose()
