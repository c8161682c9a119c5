"""Settings of the reports service (environment prefix ``PARLEY_REPORTS_``)."""

from pydantic_settings import SettingsConfigDict

from parley_platform.settings import ServiceSettings


class ReportsSettings(ServiceSettings):
    """Builds read models from events: sessions, ratings, operator statistics."""

    model_config = SettingsConfigDict(env_prefix="PARLEY_REPORTS_", extra="ignore")

    service_name: str = "reports"
    """Name used in logs, traces, queue names and the CloudEvents ``source``."""
    http_port: int = 8005
    """Port of the HTTP server."""
