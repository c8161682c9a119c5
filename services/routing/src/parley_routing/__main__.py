"""``python -m parley_routing``: run the routing service until SIGTERM."""

from parley_platform.runtime import run_service

from .bootstrap import create_app
from .settings import RoutingSettings


def main() -> None:
    settings = RoutingSettings()
    run_service(create_app(settings), settings)


if __name__ == "__main__":
    main()
