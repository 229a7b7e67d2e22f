"""The asyncpg pool, opened once per process, with a clear line when the database is unusable."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit

import asyncpg
from asyncpg.pool import PoolConnectionProxy

# What repositories take: a plain connection or one borrowed from the pool.
Conn = asyncpg.Connection | PoolConnectionProxy


class StartupError(Exception):
    """A dependency is unusable at start; the message is the one line an operator reads."""


def redact_dsn(dsn: str) -> str:
    """host:port/database of a DSN, never the password."""
    parts = urlsplit(dsn)
    return f"{parts.hostname}:{parts.port or 5432}{parts.path}"


async def _init_connection(conn: asyncpg.Connection) -> None:
    # jsonb in and out as Python objects, so repositories never json.dumps by hand.
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def open_pool(
    dsn: str, *, min_size: int, max_size: int, connect_timeout: float
) -> asyncpg.Pool:
    try:
        pool = await asyncio.wait_for(
            asyncpg.create_pool(
                dsn,
                min_size=min_size,
                max_size=max_size,
                init=_init_connection,
                command_timeout=60,
            ),
            connect_timeout,
        )
    except (OSError, TimeoutError) as error:
        raise StartupError(
            f"cannot reach the database at {redact_dsn(dsn)}: {error or 'timed out'}"
        ) from error
    except asyncpg.PostgresError as error:
        raise StartupError(f"database {redact_dsn(dsn)} refused the connection: {error}") from error
    except ValueError as error:
        raise StartupError(f"DATABASE_URL is not a valid PostgreSQL URL: {error}") from error
    assert pool is not None
    return pool
