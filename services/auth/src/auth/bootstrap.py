"""Operator commands (idempotent with --if-missing / by design):

python -m auth.bootstrap create-office --nip N --name NAME [--if-missing]
python -m auth.bootstrap create-admin --office-nip N --email E --full-name NAME
    (password from AUTH_BOOTSTRAP_PASSWORD)
python -m auth.bootstrap demo [--password P]
"""

from __future__ import annotations

import argparse
import asyncio
import os

import asyncpg

from auth import demo, seed, services
from auth.config import Settings
from auth.domain import OrganisationExists
from chassis.db import open_pool
from chassis.errors import ApiError
from chassis.settings import fail_fast, load_settings

DEMO_PASSWORD = "Demo-Rachmistrz-2026"


async def _create_office(pool: asyncpg.Pool, args: argparse.Namespace) -> None:
    if args.if_missing:
        office = await seed.ensure_office(pool, args.nip, args.name)
    else:
        office = await services.create_office(pool, args.nip, args.name)
    print(office.id)


async def _create_admin(pool: asyncpg.Pool, args: argparse.Namespace) -> None:
    password = os.environ.get("AUTH_BOOTSTRAP_PASSWORD", "")
    office = await seed.ensure_office(pool, args.office_nip, args.office_name or args.office_nip)
    user = await seed.ensure_member(pool, office, args.email, args.full_name, "admin", password)
    print(user.id)


async def _demo(pool: asyncpg.Pool, args: argparse.Namespace) -> None:
    for email, org, role in await demo.create(pool, args.password):
        print(f"{email}\t{org}\t{role}")


async def _run(settings: Settings, args: argparse.Namespace) -> None:
    pool = await open_pool(
        settings.database_url.get_secret_value(), min_size=1, max_size=2, connect_timeout=10
    )
    try:
        await {"create-office": _create_office, "create-admin": _create_admin, "demo": _demo}[
            args.command
        ](pool, args)
    finally:
        await pool.close()


def _parser() -> argparse.ArgumentParser:
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
    admin = sub.add_parser(
        "create-admin",
        help="an active office administrator (password from AUTH_BOOTSTRAP_PASSWORD); prints id",
    )
    admin.add_argument("--office-nip", required=True)
    admin.add_argument("--office-name", help="creates the office if it does not exist yet")
    admin.add_argument("--email", required=True)
    admin.add_argument("--full-name", required=True)
    demo_cmd = sub.add_parser("demo", help="demo office, staff, clients and their people")
    demo_cmd.add_argument("--password", default=DEMO_PASSWORD)
    return parser


def main() -> None:
    args = _parser().parse_args()
    settings = load_settings(Settings, "auth")
    try:
        asyncio.run(_run(settings, args))
    except (ApiError, OrganisationExists) as error:
        fail_fast("auth", f"{error.code}: {error.message}")


if __name__ == "__main__":
    main()
