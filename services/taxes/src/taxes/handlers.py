"""Kafka handlers of taxes: only the chassis tenancy read model of auth's org.* events."""

from __future__ import annotations

from chassis import tenancy
from chassis.kafka import Route
from chassis.runtime import Runtime


def routes(_: Runtime) -> list[Route]:
    return tenancy.routes()
