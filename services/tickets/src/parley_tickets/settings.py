"""Settings of the tickets service (environment prefix ``PARLEY_TICKETS_``)."""

from pydantic_settings import SettingsConfigDict

from parley_platform.settings import ServiceSettings


class TicketsSettings(ServiceSettings):
    """Turns chats into tickets and leads."""

    model_config = SettingsConfigDict(env_prefix="PARLEY_TICKETS_", extra="ignore")

    service_name: str = "tickets"
    """Name used in logs, traces, queue names and the CloudEvents ``source``."""
    http_port: int = 8003
    """Port of the HTTP server."""
