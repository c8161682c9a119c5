"""Servers in throwaway containers, for machines where a Docker engine answers."""

from __future__ import annotations

import logging
from typing import Any

from parley_devservers import cleanup
from parley_devservers.server import Server

log = logging.getLogger("parley_devservers")

RABBITMQ_IMAGE = "rabbitmq:3.13-management"
MONGODB_IMAGE = "mongo:7"


class ContainerServer(Server):
    """A server in a testcontainers container, removed by `stop()` or at exit."""

    def __init__(self, name: str, url: str, image: str, container: Any) -> None:
        super().__init__(name, "container", url, f"container {image}")
        self._container = container
        self._cleanup_token = cleanup.on_exit(f"container {image}", self.stop)

    def stop(self) -> None:
        """Stop and remove the container."""
        cleanup.cancel(self._cleanup_token)
        self._container.stop()

    def _exec(self, *command: str) -> None:
        exit_code, output = self._container.exec(list(command))
        if exit_code != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({exit_code}): {output!r}")


class RabbitMQContainer(ContainerServer):
    """RabbitMQ in a container; the broker app can be stopped and started inside it."""

    can_control = True

    def stop_app(self) -> None:
        """Stop the RabbitMQ application inside the container (the container keeps running)."""
        self._exec("rabbitmqctl", "stop_app")

    def start_app(self) -> None:
        """Start the RabbitMQ application again and wait until it has booted."""
        self._exec("rabbitmqctl", "start_app")
        self._exec("rabbitmqctl", "await_startup")


def start_rabbitmq_container() -> Server:
    """Start RabbitMQ 3.13 in a container and wait until it accepts AMQP connections."""
    from testcontainers.community.rabbitmq import RabbitMqContainer

    container = RabbitMqContainer(RABBITMQ_IMAGE)
    container.start()
    try:
        host = container.get_container_host_ip()
        port = container.get_exposed_port(container.port)
        url = f"amqp://{container.username}:{container.password}@{host}:{port}/"
        return RabbitMQContainer("rabbitmq", url, RABBITMQ_IMAGE, container)
    except BaseException:
        container.stop()
        raise


def start_mongodb_container() -> Server:
    """Start MongoDB 7 in a container and wait until it accepts connections."""
    from testcontainers.community.mongodb import MongoDbContainer

    container = MongoDbContainer(MONGODB_IMAGE)
    container.start()
    try:
        return ContainerServer("mongodb", container.get_connection_url(), MONGODB_IMAGE, container)
    except BaseException:
        container.stop()
        raise
