"""Password hashing (Argon2id, memory-hard, argon2-cffi) and the password policy."""

from __future__ import annotations

import asyncio
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from auth.errors import WeakPassword

MIN_LENGTH = 10
MAX_LENGTH = 256
_hasher = PasswordHasher()  # Argon2id with the library's RFC 9106 "low memory" profile
# Verified against when the account does not exist, so both answers take as long.
_DUMMY_HASH = _hasher.hash("not-a-real-password-only-for-timing")


@cache
def _common() -> frozenset[str]:
    text = files("auth").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _is_run(password: str) -> bool:
    """One repeated character, or a plain ascending/descending run like `abcdefghij`."""
    steps = {ord(b) - ord(a) for a, b in zip(password, password[1:], strict=False)}
    return len(steps) == 1 and steps <= {-1, 0, 1}


def check_policy(password: str, email: str | None = None) -> None:
    """Raise WeakPassword naming every rule the password breaks."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Hasło musi mieć co najmniej {MIN_LENGTH} znaków.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Hasło może mieć najwyżej {MAX_LENGTH} znaków.")
    lowered = password.lower()
    if lowered in _common() or _is_run(lowered):
        problems.append("To hasło jest powszechnie używane i znane z wycieków; wybierz inne.")
    if email and (lowered == email.lower() or lowered == email.split("@")[0].lower()):
        problems.append("Hasło nie może być adresem e-mail.")
    if problems:
        raise WeakPassword(" ".join(problems), details={"rules": problems})


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; a missing hash still costs one verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def hash_password_async(password: str) -> str:
    # Argon2 is deliberately slow; keep the event loop free for other requests.
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    return await asyncio.to_thread(verify_password, password_hash, password)
