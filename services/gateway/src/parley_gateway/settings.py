"""Settings of the gateway service (environment prefix ``PARLEY_GATEWAY_``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from parley_platform.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    """The public edge: HTTP API, visitor and agent WebSockets, widget and console."""

    model_config = SettingsConfigDict(env_prefix="PARLEY_GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    """Name used in logs, traces, queue names and the CloudEvents ``source``."""
    http_port: int = 8000
    """Port of the HTTP server."""
    secret_key: str = ""
    """Signs visitor tokens; the same on every replica. Empty: a random key per process (dev)."""
    replica_id: str = ""
    """Names this process's live fan-out queue; empty: a random id per start."""
    snapshot_cache_size: int = Field(default=20_000, ge=0)
    """Conversation snapshots each replica keeps in memory (0: none); see cached_snapshots.py."""
    snapshot_write_behind_s: float = Field(default=5.0, ge=0)
    """How long a conversation's message progress (last sequence, count, time and preview of the
    last message) may wait before its snapshot is stored: one write per conversation and period
    for all its messages meanwhile. On FerretDB each snapshot write scans the collection inside
    the database's only write transaction, and under load these writes held up the log's
    inserts (gateway bench at 500 messages/s over 40 conversations: 1 s gave p50 1,217 ms,
    5 s 152 ms). Readers on other replicas see progress that much later in stored snapshots
    (their sockets still get every entry at once); a replica that dies loses it until the
    conversation's next write folds the log's tail in."""
    query_timeout_s: float = Field(default=5.0, gt=0)
    """How long the admin API waits for routing's or the chatbot's answer (then 503)."""
    agent_activity_signal_s: float = Field(default=60.0, ge=1)
    """An agent's activity is reported to routing at most this often per agent and replica."""
    ws_max_frame_bytes: int = Field(default=65_536, ge=1_024)
    """Largest client WebSocket frame; a larger one gets a ``too_large`` error frame."""
    visitor_token_max_age_days: int = Field(default=365, ge=1)
    """How long a widget's visitor token brings the same visitor back."""
    rate_messages_per_10s: float = Field(default=10, gt=0)
    """Messages a visitor (and, separately, one address) may send per 10 seconds on average."""
    rate_messages_burst: float = Field(default=20, ge=1)
    """Messages a visitor may send at once before the 10-second rate applies."""
    rate_address_messages_per_10s: float = Field(default=50, gt=0)
    """Messages all visitors behind one address may send per 10 seconds (offices share NATs)."""
    rate_starts_per_minute: float = Field(default=3, gt=0)
    """New conversations a visitor may start per minute (also the burst)."""
    rate_address_starts_per_minute: float = Field(default=10, gt=0)
    """New conversations one address may start per minute (also the burst)."""
    admin_email: str = "admin@parley.local"
    """E-mail of the admin created on the first start (when there are no accounts yet)."""
    admin_password: str = ""
    """That admin's password; empty: a random one, logged once at WARNING."""
    session_ttl_s: int = Field(default=43_200, ge=60)
    """Idle time after which a console login expires (sliding: each request extends it)."""
    session_cookie_secure: bool = False
    """Mark the session cookie Secure (set it when the console is served over HTTPS)."""
    login_failures_per_email: int = Field(default=5, ge=1)
    """Failed logins for one e-mail within the window before it is locked for the window."""
    login_failures_per_address: int = Field(default=30, ge=1)
    """Failed logins from one address within the window before it is locked for the window."""
    login_failure_window_s: float = Field(default=900, gt=0)
    """The brute-force window (per replica, like every in-memory limit)."""
    attachment_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    """Largest file a visitor or agent may attach; larger uploads get 413."""
    country_header: str = ""
    """Header a trusted proxy sets to the visitor's country (e.g. ``CF-IPCountry``); empty: none."""
    geoip_database: str = ""
    """Path of a MaxMind ``.mmdb`` country database, used when no header gave a country; it looks
    up the socket's peer address, so behind a proxy set ``country_header`` instead. Empty: off."""
