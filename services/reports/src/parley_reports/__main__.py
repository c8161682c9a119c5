"""``python -m parley_reports``: run the reports service until SIGTERM."""

from parley_platform.runtime import run_service

from .bootstrap import create_app
from .settings import ReportsSettings


def main() -> None:
    settings = ReportsSettings()
    run_service(create_app(settings), settings)


if __name__ == "__main__":
    main()
