"""One trace follows an event from publisher through the broker to a handler's database call."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from parley_platform.runtime import ServiceRuntime
from parley_platform.settings import ServiceSettings

from .conftest import Started, eventually, parse_probe, probe

pytestmark = pytest.mark.integration


async def test_publish_consume_and_database_call_share_one_trace(
    settings: ServiceSettings, started: Started
) -> None:
    runtime = ServiceRuntime(settings)
    spans = InMemorySpanExporter()
    provider: Any = trace.get_tracer_provider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    stored: list[int] = []

    async def handle(event: Any) -> None:
        await runtime.db.seen.insert_one({"n": event.data.n})
        stored.append(event.data.n)

    runtime.consume(runtime.queue("traced-db", ["test.probe_emitted.v1"]), handle, parse_probe)
    await started(runtime)
    # As when an upstream caller (a proxy, another service) sampled the trace: Parley records
    # the spans of sampled traces even when it exports nothing of its own accord.
    upstream = SpanContext(
        trace_id=0x5EED_0000_0000_0000_0000_0000_0000_0001,
        span_id=0x0000_0000_0000_0001,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )
    sampled = trace.set_span_in_context(NonRecordingSpan(upstream))
    with trace.get_tracer("test").start_as_current_span("use case", context=sampled) as root:
        await runtime.publisher.publish(probe(9))
    await eventually(lambda: stored == [9])
    trace_id = root.get_span_context().trace_id

    def kinds() -> set[tuple[str, object]]:
        return {
            (
                span.kind.name,
                span.attributes.get("db.system") or span.attributes.get("messaging.system"),
            )
            for span in spans.get_finished_spans()
            if span.context.trace_id == trace_id
        }

    expected = {("PRODUCER", "rabbitmq"), ("CONSUMER", "rabbitmq"), ("CLIENT", "mongodb")}
    # The consumer span ends after the handler returned and the message was acknowledged.
    await eventually(lambda: expected <= kinds())
