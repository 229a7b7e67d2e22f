"""`python -m ksef_simulator --port 8089 --clock-speed 60 --companies 1000 --invoices 1000`."""

import argparse
import logging

import uvicorn

from .app import create_app
from .config import Settings

# CLI flag -> settings field; each flag overrides its KSEF_SIM_* variable.
FLAGS = {
    "clock_speed": float,
    "seed": int,
    "companies": int,
    "invoices": int,
    "seed_days": float,
    "arrivals_per_hour": float,
    "rate_limit_scale": float,
}
FIELDS = {
    "companies": "seed_companies",
    "invoices": "seed_invoices",
    "arrivals_per_hour": "arrivals_per_company_hour",
}


def parse(settings: Settings) -> tuple[argparse.Namespace, Settings]:
    parser = argparse.ArgumentParser(description="KSeF 2.0 API simulator")
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.port)
    parser.add_argument("--access-log", action="store_true", help="log every request")
    for flag, kind in FLAGS.items():
        parser.add_argument(f"--{flag.replace('_', '-')}", type=kind, dest=flag)
    args = parser.parse_args()
    update = {FIELDS.get(k, k): v for k in FLAGS if (v := getattr(args, k)) is not None}
    return args, settings.model_copy(update=update)


def main() -> None:
    args, settings = parse(Settings())
    logging.basicConfig(level=logging.INFO)
    # uvloop + httptools and no access log: the request rate matters for benchmarks.
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        access_log=args.access_log,
        log_level="info",
    )


if __name__ == "__main__":
    main()
