"""ksef-gateway: Jedyne połączenie z KSeF: autoryzacja firm, synchronizacja faktur, wysyłka."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from chassis.cli import run
from chassis.db import open_pool
from chassis.runtime import ServiceDefinition
from chassis.settings import load_settings
from ksef_gateway.api import router
from ksef_gateway.config import Settings
from ksef_gateway.handlers import routes
from ksef_gateway.vault import Vault, rewrap_all
from ksef_gateway.worker import background

DEFINITION = ServiceDefinition(
    name="ksef-gateway",
    settings_cls=Settings,
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    routers=lambda: [router],
    routes=routes,
    background=background,
    description="Jedyne połączenie z KSeF: autoryzacja firm, synchronizacja faktur, wysyłka.",
)


async def rewrap_secrets(settings: Settings) -> int:
    """Re-wrap every secret's data key with the current SECRETS_MASTER_KEY."""
    pool = await open_pool(
        settings.database_url.get_secret_value(), min_size=1, max_size=2, connect_timeout=15
    )
    try:
        vault = Vault.from_strings(
            settings.secrets_master_key.get_secret_value(),
            settings.secrets_previous_keys.get_secret_value(),
        )
        return await rewrap_all(pool, vault)
    finally:
        await pool.close()


def cli() -> None:
    if sys.argv[1:] == ["rewrap-secrets"]:
        settings = load_settings(Settings, DEFINITION.name)
        print(f"re-wrapped {asyncio.run(rewrap_secrets(settings))} secrets")
        return
    run(DEFINITION)
