"""Find or start RabbitMQ and a MongoDB-protocol server for `make run` and the test suite.

Each resolver tries, in order: a URL in the environment (`RABBITMQ_URL`, `MONGODB_URL`); a
testcontainers container when a Docker engine answers; a local server process it starts itself
(a dedicated RabbitMQ node; FerretDB, or nx-27017 when FerretDB cannot be built). Everything it
starts listens on 127.0.0.1 only and is stopped at exit.
"""

from parley_devservers.resolve import resolve_mongodb, resolve_rabbitmq
from parley_devservers.server import Kind, Server, ServerControlNotSupported, redact

__all__ = [
    "Kind",
    "Server",
    "ServerControlNotSupported",
    "redact",
    "resolve_mongodb",
    "resolve_rabbitmq",
]
