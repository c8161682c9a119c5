"""The settings every Parley service shares; each service subclasses with its own env prefix."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Base settings. A service sets ``env_prefix`` to ``PARLEY_<SERVICE>_``."""

    model_config = SettingsConfigDict(env_prefix="PARLEY_", extra="ignore")

    service_name: str = "parley"
    """Name used in logs, traces, queue names and the CloudEvents ``source``."""
    http_host: str = "127.0.0.1"
    """Address the HTTP server binds to; 0.0.0.0 inside containers."""
    http_port: int = 8000
    """Port of the HTTP server (health, readiness and the service's API)."""
    rabbitmq_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    """AMQP URL of the broker; falls back to the plain RABBITMQ_URL variable."""
    mongodb_url: str = "mongodb://127.0.0.1:27017/"
    """MongoDB URL; falls back to the plain MONGODB_URL variable."""
    database: str = ""
    """Name of the service's own database; empty means ``parley_<service>``."""
    log_level: str = "INFO"
    """Lowest level written to the log."""
    log_format: Literal["auto", "json", "console"] = "auto"
    """``auto`` writes JSON unless standard error is a terminal."""
    traces_exporter: Literal["none", "console", "otlp"] = "none"
    """Where OpenTelemetry spans go; ids are generated for log correlation either way."""
    otlp_endpoint: str = "http://127.0.0.1:4318/v1/traces"
    """OTLP/HTTP traces endpoint, used when ``traces_exporter`` is ``otlp``."""
    delivery_limit: int = Field(default=5, ge=1)
    """Attempts a message gets (retries and redeliveries) before it is dead-lettered."""
    retry_delays_ms: tuple[int, ...] = (200, 1_000, 5_000)
    """Back-off waits between attempts; the last one repeats while attempts remain."""
    prefetch: int = Field(default=32, ge=1)
    """Unacknowledged messages a consumer may hold at once."""
    graceful_timeout_s: float = 15.0
    """On SIGTERM, how long in-flight handlers get to finish before their messages are returned."""
    publish_timeout_s: float = 5.0
    """How long a publish waits for the broker's confirm before it counts as failed."""
    outbox_sweep_interval_s: float = 1.0
    """How often the outbox relay looks for events the fast path did not deliver."""
    outbox_unroutable_limit_s: float = Field(default=600.0, ge=0)
    """How long after its write an event no queue is bound to is retried before it is given up."""

    @model_validator(mode="after")
    def _shared_server_urls(self) -> ServiceSettings:
        # One pair of plain variables points every service at the same servers.
        for field, variable in (("rabbitmq_url", "RABBITMQ_URL"), ("mongodb_url", "MONGODB_URL")):
            if field not in self.model_fields_set and os.environ.get(variable):
                setattr(self, field, os.environ[variable])
        if not self.database:
            self.database = f"parley_{self.service_name}"
        return self
