"""Settings of the chatbot service (environment prefix ``PARLEY_CHATBOT_``)."""

from pydantic_settings import SettingsConfigDict

from parley_platform.settings import ServiceSettings


class ChatbotSettings(ServiceSettings):
    """Runs scripted bots that greet, qualify and hand over to operators."""

    model_config = SettingsConfigDict(env_prefix="PARLEY_CHATBOT_", extra="ignore")

    service_name: str = "chatbot"
    """Name used in logs, traces, queue names and the CloudEvents ``source``."""
    http_port: int = 8002
    """Port of the HTTP server."""
