"""`python -m ksef_simulator --host 127.0.0.1 --port 8089`."""

import argparse

import uvicorn

from .app import create_app
from .config import Settings


def main() -> None:
    settings = Settings()
    parser = argparse.ArgumentParser(description="KSeF 2.0 API simulator")
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.port)
    args = parser.parse_args()
    app = create_app(settings)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
