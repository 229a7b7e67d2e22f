"""taxes: taxes and fees due per company and month, payments, bank transfer files.

`python -m taxes api|worker|all|migrate` as every service; a worker (and `all`) also runs the
due-date scheduler next to the chassis' consumers and outbox relay.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from pathlib import Path

from chassis.cli import run
from chassis.runtime import Runtime, ServiceDefinition
from taxes import scheduler
from taxes.api import router
from taxes.clock import Clock, warsaw_today
from taxes.config import Settings
from taxes.handlers import routes


def background(
    runtime: Runtime, clock: Clock = warsaw_today
) -> Sequence[Callable[[], Awaitable[None]]]:
    settings = runtime.settings
    assert isinstance(settings, Settings)
    if not settings.due_scheduler_enabled:
        return ()
    return (
        partial(
            scheduler.run,
            runtime.pool,
            clock,
            settings.due_notice_days,
            settings.due_scan_seconds,
        ),
    )


DEFINITION = ServiceDefinition(
    name="taxes",
    settings_cls=Settings,
    migrations=Path(__file__).resolve().parents[2] / "migrations",
    routers=lambda: [router],
    routes=routes,
    background=background,
    description="Podatki i opłaty: kafelki miesięczne, płatności, przelewy.",
)


def cli() -> None:
    run(DEFINITION)
