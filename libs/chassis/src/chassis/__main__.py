"""Chassis commands: `topics` creates every Kafka topic, `asyncapi` writes the event document."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from chassis import asyncapi
from chassis.kafka import ensure_topics


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m chassis")
    sub = parser.add_subparsers(dest="command", required=True)
    topics = sub.add_parser("topics", help="create missing Kafka topics with their partitions")
    topics.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS"))
    sub.add_parser("asyncapi", help="regenerate libs/contracts/asyncapi.json")
    args = parser.parse_args()
    if args.command == "topics":
        if not args.bootstrap:
            sys.exit("chassis: KAFKA_BOOTSTRAP_SERVERS is missing")
        created = asyncio.run(ensure_topics(args.bootstrap))
        print(f"topics created: {len(created)}" + (f" ({', '.join(created)})" if created else ""))
    else:
        print(f"wrote {asyncapi.write()}")


if __name__ == "__main__":
    main()
