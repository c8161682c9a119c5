"""``python -m parley_gateway``: run the gateway service until SIGTERM."""

from parley_platform.runtime import run_service

from .bootstrap import create_app
from .settings import GatewaySettings


def main() -> None:
    settings = GatewaySettings()
    run_service(create_app(settings), settings)


if __name__ == "__main__":
    main()
