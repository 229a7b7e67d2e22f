"""Operator commands: `python -m auth.bootstrap create-office --nip N --name NAME`."""

from __future__ import annotations

import argparse
import asyncio

from auth import repository, services
from auth.config import Settings
from auth.domain import OrganisationExists, normalise_nip
from chassis.db import open_pool
from chassis.errors import ApiError
from chassis.settings import fail_fast, load_settings
from contracts.auth import OrgKind


async def _create_office(settings: Settings, nip: str, name: str, if_missing: bool) -> None:
    pool = await open_pool(
        settings.database_url.get_secret_value(), min_size=1, max_size=1, connect_timeout=10
    )
    try:
        try:
            office = await services.create_office(pool, nip, name)
        except OrganisationExists:
            if not if_missing:
                raise
            async with pool.acquire() as conn:
                found = await repository.find_by_nip(conn, OrgKind.office, normalise_nip(nip))
            assert found is not None
            office = found
    finally:
        await pool.close()
    print(office.id)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m auth.bootstrap")
    sub = parser.add_subparsers(dest="command", required=True)
    office = sub.add_parser("create-office", help="register an accounting office; prints its id")
    office.add_argument("--nip", required=True)
    office.add_argument("--name", required=True)
    office.add_argument(
        "--if-missing",
        action="store_true",
        help="print the existing office's id instead of failing",
    )
    args = parser.parse_args()
    settings = load_settings(Settings, "auth")
    try:
        asyncio.run(_create_office(settings, args.nip, args.name, args.if_missing))
    except ApiError as error:
        fail_fast("auth", f"{error.code}: {error.message}")


if __name__ == "__main__":
    main()
