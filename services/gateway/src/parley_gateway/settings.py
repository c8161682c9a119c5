"""Settings of the gateway service (environment prefix ``PARLEY_GATEWAY_``)."""

from pydantic_settings import SettingsConfigDict

from parley_platform.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    """The public edge: HTTP API, visitor and agent WebSockets, widget and console."""

    model_config = SettingsConfigDict(env_prefix="PARLEY_GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    """Name used in logs, traces, queue names and the CloudEvents ``source``."""
    http_port: int = 8000
    """Port of the HTTP server."""
