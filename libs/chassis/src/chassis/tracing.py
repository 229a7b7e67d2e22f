"""OpenTelemetry: one tracer provider per process, named after the service.

Spans are exported over OTLP/HTTP when the standard `OTEL_EXPORTER_OTLP_ENDPOINT` is set;
without it they are still created (and their ids logged), just not exported. Traces cross
Kafka through the `traceparent` header: the outbox stores it with each row and FastStream's
telemetry middleware picks it up on the consuming side.
"""

from __future__ import annotations

import os

from opentelemetry import propagate, trace
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_configured = False


def configure_tracing(service: str) -> TracerProvider:
    global _configured
    provider = trace.get_tracer_provider()
    if _configured and isinstance(provider, TracerProvider):
        return provider
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    AsyncPGInstrumentor().instrument()  # type: ignore[no-untyped-call]
    _configured = True
    return provider


def current_trace_headers() -> dict[str, str]:
    """W3C trace context of the current span, to travel with an outgoing event."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier
