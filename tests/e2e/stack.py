"""Drive the test instance of the local stack from end-to-end tests: env, processes, tokens."""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from auth.keys import KeyRing
from chassis.tokens import sign_access_token

ROOT = Path(__file__).resolve().parents[2]
INSTANCE = os.environ.get("RACHMISTRZ_INSTANCE", "test")
RUN = ROOT / ".run" / INSTANCE


def _read_env(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        if line.startswith("export ") and "=" in line:
            name, value = line.removeprefix("export ").split("=", 1)
            env[name] = value.strip("'\"")
    return env


@dataclass
class Stack:
    env: dict[str, str]

    @classmethod
    def load(cls) -> Stack:
        path = RUN / "stack.env"
        if not path.is_file():
            raise RuntimeError(f"{path} missing: the test stack is not up (run scripts/test.sh)")
        return cls(_read_env(path))

    def script(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run(
            [str(ROOT / "scripts" / args[0]), *args[1:]],
            env={**os.environ, "RACHMISTRZ_INSTANCE": INSTANCE},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def service_env(self, service: str) -> dict[str, str]:
        lines = self.script("services.sh", "env", service).splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line)

    def python(self, service: str, *args: str) -> str:
        env = {**os.environ, **self.service_env(service)}
        result = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return result.stdout

    def pid(self, service: str) -> int:
        return int((RUN / "pids" / f"{service}.pid").read_text().strip())

    def kill(self, service: str) -> None:
        """SIGKILL, as the kernel's OOM killer or a node failure would."""
        os.kill(self.pid(service), signal.SIGKILL)

    def database_url(self, service: str) -> str:
        """Superuser URL of a service's database, for assertions only."""
        e = self.env
        db = service.replace("-", "_")
        return (
            f"postgresql://{e['PG_SUPERUSER']}:{e['PG_SUPERUSER_PASSWORD']}"
            f"@{e['PG_HOST']}:{e['PG_PORT']}/{db}"
        )

    @property
    def gateway(self) -> str:
        return self.env["GATEWAY_URL"]

    def token(self, org_id: UUID, user_id: UUID, *, org_kind: str, role: str) -> str:
        path = RUN / "keys" / "access-token.pem"
        # Services verify through auth's JWKS, which finds the key by the token's `kid`.
        kid = KeyRing.load(path, []).kid
        return sign_access_token(
            path.read_bytes(),
            user_id=user_id,
            org_id=org_id,
            org_kind=org_kind,
            role=role,
            key_id=kid,
        )
