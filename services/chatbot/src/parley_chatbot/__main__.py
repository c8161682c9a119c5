"""``python -m parley_chatbot``: run the chatbot service until SIGTERM."""

from parley_platform.runtime import run_service

from .bootstrap import create_app
from .settings import ChatbotSettings


def main() -> None:
    settings = ChatbotSettings()
    run_service(create_app(settings), settings)


if __name__ == "__main__":
    main()
