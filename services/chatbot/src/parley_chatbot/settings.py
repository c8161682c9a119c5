"""Settings of the chatbot service (environment prefix ``PARLEY_CHATBOT_``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from parley_platform.settings import ServiceSettings


class ChatbotSettings(ServiceSettings):
    """Runs scripted bots that greet, qualify and hand over to operators."""

    model_config = SettingsConfigDict(env_prefix="PARLEY_CHATBOT_", extra="ignore")

    service_name: str = "chatbot"
    """Name used in logs, traces, queue names and the CloudEvents ``source``."""
    http_port: int = 8002
    """Port of the HTTP server."""
    typing_pause_s: float = Field(default=1.0, ge=0)
    """Pause before the step that follows a bot message needing no answer (the bot "types")."""
    multi_line_quiet_s: float = Field(default=3.0, gt=0)
    """Multi-line free input: the answer is complete after this long without a new message."""
    install_welcome_bot: bool = True
    """Install the sample "Welcome Bot" script on first start (B4)."""
    session_cache_size: int = Field(default=10_000, ge=1)
    """Bot sessions (and conversations known to run no bot) kept in memory."""
    script_cache_s: float = Field(default=5.0, ge=0)
    """How long a replica uses its copy of a script before reading it again."""
    session_retention_s: float = Field(default=86_400.0, gt=0)
    """Finished (closed or handed-over) sessions are deleted after this long."""
