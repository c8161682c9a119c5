"""OpenTelemetry setup: a tracer provider per process, exporter chosen by settings."""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.instrumentation.pymongo import PymongoInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased

_provider: TracerProvider | None = None


def configure_tracing(service: str, exporter: str, otlp_endpoint: str) -> TracerProvider:
    """Install the process's tracer provider once; ``exporter`` is none, console or otlp.

    With ``none`` spans are still created so that every log line carries trace and span ids.
    """
    global _provider
    if _provider is not None:
        return _provider
    # Without an exporter, spans would be recorded for nobody: sample only traces an upstream
    # caller already sampled. Unsampled spans still carry ids, so logs stay correlated and
    # trace context still travels in HTTP and message headers.
    root = ALWAYS_OFF if exporter == "none" else ALWAYS_ON
    provider = TracerProvider(
        resource=Resource.create({"service.name": f"parley-{service}"}),
        sampler=ParentBased(root=root),
    )
    span_exporter: SpanExporter | None = None
    if exporter == "console":
        span_exporter = ConsoleSpanExporter()
    elif exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        span_exporter = OTLPSpanExporter(endpoint=otlp_endpoint)
    if span_exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(span_exporter))
    trace.set_tracer_provider(provider)
    PymongoInstrumentor().instrument()
    _provider = provider
    return provider


def shutdown_tracing() -> None:
    """Flush spans still buffered; called on shutdown."""
    if _provider is not None:
        _provider.shutdown()
