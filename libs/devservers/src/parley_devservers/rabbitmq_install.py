"""Finding, and if need be installing, the RabbitMQ server scripts."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

log = logging.getLogger("parley_devservers")

# Debian's /usr/sbin scripts re-run themselves as the `rabbitmq` user through su, which could not
# read a data dir owned by us; the real scripts in /usr/lib/rabbitmq/bin run as whoever calls them.
_SCRIPT_DIRS = (Path("/usr/lib/rabbitmq/bin"),)


def find_rabbitmq_scripts() -> tuple[Path, Path] | None:
    """Paths of `rabbitmq-server` and `rabbitmqctl` that run as the calling user, if installed."""
    dirs = list(_SCRIPT_DIRS)
    on_path = shutil.which("rabbitmq-server")
    if on_path and not on_path.startswith("/usr/sbin/"):
        dirs.append(Path(on_path).parent)
    for directory in dirs:
        server, ctl = directory / "rabbitmq-server", directory / "rabbitmqctl"
        if server.exists() and ctl.exists():
            return server, ctl
    return None


def install_rabbitmq() -> tuple[Path, Path]:
    """Install Debian's rabbitmq-server when missing (root only) and return its scripts."""
    found = find_rabbitmq_scripts()
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError(
            "rabbitmq-server is not installed and cannot be installed from here: "
            "run `make servers` as root, or set RABBITMQ_URL"
        )
    log.warning("rabbitmq-server is missing: installing it with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "rabbitmq-server"]
    if subprocess.run(install, env=env, stdin=subprocess.DEVNULL, check=False).returncode != 0:
        # A fresh machine may not have package lists yet.
        subprocess.run(["apt-get", "update", "-q"], env=env, stdin=subprocess.DEVNULL, check=True)
        subprocess.run(install, env=env, stdin=subprocess.DEVNULL, check=True)
    found = find_rabbitmq_scripts()
    if not found:
        raise RuntimeError("apt-get installed rabbitmq-server but its scripts were not found")
    return found
