"""Forward-only SQL migrations, applied by yoyo-migrations under its own lock.

Each service keeps plain `.sql` files in `services/<name>/migrations/`, sorted by name. The
chassis' own tables (outbox, inbox) are a separate set applied first. Migrations run as the
one-shot `migrate` command (a Kubernetes Job), never on each request or API start.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from yoyo import get_backend, read_migrations

CHASSIS_MIGRATIONS = Path(str(files("chassis") / "migrations"))


def _yoyo_url(dsn: str) -> str:
    # yoyo picks its driver from the scheme; psycopg 3 is the one we install.
    scheme, rest = dsn.split("://", 1)
    if scheme not in ("postgresql", "postgres"):
        raise ValueError(f"unsupported database URL scheme {scheme!r}")
    return f"postgresql+psycopg://{rest}"


def apply_migrations(dsn: str, service_migrations: Path | None) -> list[str]:
    """Apply pending migrations (chassis first, then the service's); return the ids applied."""
    backend = get_backend(_yoyo_url(dsn))
    applied: list[str] = []
    try:
        for directory in (CHASSIS_MIGRATIONS, service_migrations):
            if directory is None:
                continue
            migrations = read_migrations(str(directory))
            with backend.lock():
                pending = backend.to_apply(migrations)
                backend.apply_migrations(pending)
            applied.extend(m.id for m in pending)
    finally:
        backend.connection.close()
    return applied
