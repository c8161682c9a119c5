"""Settings of the routing service (environment prefix ``PARLEY_ROUTING_``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from parley_platform.settings import ServiceSettings


class RoutingSettings(ServiceSettings):
    """Chooses who answers: operator profiles, presence, the waiting queue, assignments."""

    model_config = SettingsConfigDict(env_prefix="PARLEY_ROUTING_", extra="ignore")

    service_name: str = "routing"
    """Name used in logs, traces, queue names and the CloudEvents ``source``."""
    http_port: int = 8001
    """Port of the HTTP server."""
    replica_id: str = ""
    """This process's name in its event queue; set it stably (the pod name) so a restarted
    process finds the events published while it was down. Empty: a random id per start."""
    replica_queue_expiry_s: int = Field(default=600, ge=10)
    """A replica queue nobody consumes for this long is deleted by the broker."""
    idle_after_s: float = Field(default=300, gt=0)
    """No activity for this long turns an online agent away (A1)."""
    disconnect_after_s: float = Field(default=1800, gt=0)
    """No activity for this long takes an agent offline and out of their channels (A1)."""
    reconnect_grace_s: float = Field(default=30, ge=0)
    """How long an agent's last dropped socket may take to come back before they go offline."""
    queue_announce_interval_s: float = Field(default=1.0, gt=0)
    """Queue positions are announced at most this often per channel (V4)."""
    mirror_interval_s: float = Field(default=0.5, gt=0)
    """How often the in-memory state (and decision records) are written to the database."""
    claim_retention_s: float = Field(default=86_400, gt=60)
    """Claims older than this are dropped, a ten-minute collection at a time (they only matter
    while processes may race)."""
