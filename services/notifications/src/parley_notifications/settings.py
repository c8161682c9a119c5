"""Settings of the notifications service (environment prefix ``PARLEY_NOTIFICATIONS_``)."""

from pydantic_settings import SettingsConfigDict

from parley_platform.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    """Sends transcripts and notifications by mail and to agents' browsers."""

    model_config = SettingsConfigDict(env_prefix="PARLEY_NOTIFICATIONS_", extra="ignore")

    service_name: str = "notifications"
    """Name used in logs, traces, queue names and the CloudEvents ``source``."""
    http_port: int = 8004
    """Port of the HTTP server."""
