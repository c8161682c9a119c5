"""``python -m parley_gateway``: run the gateway service until SIGTERM."""

from parley_platform.runtime import run_service

from .bootstrap import create_app
from .settings import GatewaySettings


def main() -> None:
    settings = GatewaySettings()
    run_service(
        create_app(settings),
        settings,
        # Compression costs memory per socket and CPU per frame for small chat frames. Frames a
        # little over the protocol's limit get a `too_large` error; far over it, uvicorn closes
        # the socket (1009) before buffering megabytes.
        ws_per_message_deflate=False,
        ws_max_size=settings.ws_max_frame_bytes * 4,
    )


if __name__ == "__main__":
    main()
