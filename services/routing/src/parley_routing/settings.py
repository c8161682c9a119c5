"""Settings of the routing service (environment prefix ``PARLEY_ROUTING_``)."""

from pydantic_settings import SettingsConfigDict

from parley_platform.settings import ServiceSettings


class RoutingSettings(ServiceSettings):
    """Chooses who answers: operator profiles, presence, the waiting queue, assignments."""

    model_config = SettingsConfigDict(env_prefix="PARLEY_ROUTING_", extra="ignore")

    service_name: str = "routing"
    """Name used in logs, traces, queue names and the CloudEvents ``source``."""
    http_port: int = 8001
    """Port of the HTTP server."""
