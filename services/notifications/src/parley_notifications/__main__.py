"""``python -m parley_notifications``: run the notifications service until SIGTERM."""

from parley_platform.runtime import run_service

from .bootstrap import create_app
from .settings import NotificationsSettings


def main() -> None:
    settings = NotificationsSettings()
    run_service(create_app(settings), settings)


if __name__ == "__main__":
    main()
