"""``python -m parley_tickets``: run the tickets service until SIGTERM."""

from parley_platform.runtime import run_service

from .bootstrap import create_app
from .settings import TicketsSettings


def main() -> None:
    settings = TicketsSettings()
    run_service(create_app(settings), settings)


if __name__ == "__main__":
    main()
