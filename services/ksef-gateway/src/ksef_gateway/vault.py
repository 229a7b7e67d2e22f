"""Envelope encryption of secrets at rest: a fresh data key per secret, wrapped by a master key.

The data key encrypts with AES-256-GCM (the secret's id is the associated data, so a ciphertext
moved to another row does not decrypt); the master key wraps it with AES key wrap (RFC 3394).
Each row names its master key by id, so keys rotate: configure the new key as
SECRETS_MASTER_KEY, keep the old in SECRETS_PREVIOUS_KEYS, run `rewrap-secrets`, drop the old.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from uuid import UUID, uuid4

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

from chassis.db import Conn


class UnknownMasterKey(Exception):
    """A secret was wrapped by a master key this process is not configured with."""


@dataclass(frozen=True)
class Sealed:
    key_id: str
    wrapped_key: bytes
    nonce: bytes
    ciphertext: bytes


def _kek(material: str) -> tuple[str, bytes]:
    key = hashlib.sha256(b"rachmistrz-ksef-gateway-kek|" + material.encode()).digest()
    return hashlib.sha256(key).hexdigest()[:16], key


class Vault:
    def __init__(self, master_key: str, previous: list[str] | None = None) -> None:
        self.current_id, current = _kek(master_key)
        self._keys = dict(_kek(k) for k in previous or [] if k)
        self._keys[self.current_id] = current

    @classmethod
    def from_strings(cls, master_key: str, previous: str) -> Vault:
        return cls(master_key, [p.strip() for p in previous.split(",") if p.strip()])

    def seal(self, plaintext: bytes, secret_id: UUID) -> Sealed:
        data_key, nonce = AESGCM.generate_key(256), os.urandom(12)
        ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, secret_id.bytes)
        wrapped = aes_key_wrap(self._keys[self.current_id], data_key)
        return Sealed(self.current_id, wrapped, nonce, ciphertext)

    def open(self, sealed: Sealed, secret_id: UUID) -> bytes:
        kek = self._keys.get(sealed.key_id)
        if kek is None:
            raise UnknownMasterKey(sealed.key_id)
        data_key = aes_key_unwrap(kek, sealed.wrapped_key)
        return AESGCM(data_key).decrypt(sealed.nonce, sealed.ciphertext, secret_id.bytes)

    def rewrap(self, sealed: Sealed) -> Sealed:
        """The same ciphertext with its data key wrapped by the current master key."""
        kek = self._keys.get(sealed.key_id)
        if kek is None:
            raise UnknownMasterKey(sealed.key_id)
        data_key = aes_key_unwrap(kek, sealed.wrapped_key)
        wrapped = aes_key_wrap(self._keys[self.current_id], data_key)
        return Sealed(self.current_id, wrapped, sealed.nonce, sealed.ciphertext)


async def put(conn: Conn, vault: Vault, plaintext: bytes) -> UUID:
    secret_id = uuid4()
    s = vault.seal(plaintext, secret_id)
    await conn.execute(
        "INSERT INTO secrets (id, key_id, wrapped_key, nonce, ciphertext)"
        " VALUES ($1, $2, $3, $4, $5)",
        secret_id,
        s.key_id,
        s.wrapped_key,
        s.nonce,
        s.ciphertext,
    )
    return secret_id


async def get(conn: Conn, vault: Vault, secret_id: UUID) -> bytes:
    row = await conn.fetchrow(
        "SELECT key_id, wrapped_key, nonce, ciphertext FROM secrets WHERE id = $1", secret_id
    )
    if row is None:
        raise KeyError(f"secret {secret_id} is missing")
    return vault.open(Sealed(**dict(row)), secret_id)


async def delete(conn: Conn, *secret_ids: UUID | None) -> None:
    ids = [s for s in secret_ids if s is not None]
    if ids:
        await conn.execute("DELETE FROM secrets WHERE id = ANY($1::uuid[])", ids)


async def rewrap_all(pool: asyncpg.Pool, vault: Vault, batch: int = 500) -> int:
    """Re-wrap every data key not under the current master key; returns how many."""
    done = 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                "SELECT id, key_id, wrapped_key, nonce, ciphertext FROM secrets"
                " WHERE key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED",
                vault.current_id,
                batch,
            )
            for row in rows:
                s = vault.rewrap(Sealed(row["key_id"], row["wrapped_key"], b"", b""))
                await conn.execute(
                    "UPDATE secrets SET key_id = $2, wrapped_key = $3 WHERE id = $1",
                    row["id"],
                    s.key_id,
                    s.wrapped_key,
                )
        done += len(rows)
        if len(rows) < batch:
            return done
