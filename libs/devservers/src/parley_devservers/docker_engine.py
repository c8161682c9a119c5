"""Does a Docker engine answer? Asked once, quickly, and never allowed to hang."""

from __future__ import annotations

import functools
import logging
import os
import threading

log = logging.getLogger("parley_devservers")

#: Set to "0" to skip containers even where a Docker engine answers.
CONTAINERS_VARIABLE = "PARLEY_DEVSERVERS_CONTAINERS"


def docker_engine_answers() -> bool:
    """True when containers are allowed and a Docker engine answers a ping within 2 s."""
    if os.environ.get(CONTAINERS_VARIABLE, "1") == "0":
        log.info("containers disabled by %s=0", CONTAINERS_VARIABLE)
        return False
    return _ping(2.0)


@functools.cache
def _ping(timeout: float) -> bool:
    answer: list[bool] = []

    def ping() -> None:
        try:
            import docker
            from testcontainers.core.docker_client import get_docker_host

            # testcontainers' own host lookup, so we ask the engine it would use (DOCKER_HOST,
            # ~/.testcontainers.properties, docker context).
            host = get_docker_host()
            client = (
                docker.DockerClient(base_url=host, timeout=int(timeout))
                if host
                else docker.from_env(timeout=int(timeout))
            )
            answer.append(bool(client.ping()))
        except Exception as exc:
            log.debug("no Docker engine: %s", exc)

    # A thread with a join timeout, because an engine behind ssh or a dead TCP host can block
    # longer than the client's own timeout.
    thread = threading.Thread(target=ping, name="docker-ping", daemon=True)
    thread.start()
    thread.join(timeout + 1.0)
    found = bool(answer and answer[0])
    log.info("Docker engine %s", "answers: using containers" if found else "not available")
    return found
