"""The key ring: JWKS with every key, rotation, and tokens other services accept or refuse."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from auth.keys import ACCOUNT_AUDIENCE, KeyRing
from chassis.errors import Unauthenticated
from chassis.tokens import TokenVerifier


def _key(path: Path) -> Path:
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def _public(path: Path) -> bytes:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


async def test_a_rotated_ring_publishes_both_keys_and_verifies_old_tokens(tmp_path: Path) -> None:
    old, new = _key(tmp_path / "old.pem"), _key(tmp_path / "new.pem")
    before = KeyRing.load(old, [])
    old_token = before.sign(
        user_id=uuid4(),
        session_id=uuid4(),
        ttl=timedelta(minutes=5),
        org=(uuid4(), "company", "client", True),
    )
    after = KeyRing.load(new, [old])
    assert [k["kid"] for k in after.jwks()["keys"]] == [after.kid, before.kid]
    assert after.decode(old_token)["role"] == "client"
    assert jwt.get_unverified_header(old_token)["kid"] == before.kid
    # Another service verifying with the old public key still accepts the old token.
    verifier = TokenVerifier(
        issuer="rachmistrz-auth", audience="rachmistrz", public_key_pem=_public(old)
    )
    principal = await verifier.verify(old_token)
    assert (principal.org_kind, principal.role) == ("company", "client")


async def test_account_tokens_are_refused_by_other_services(tmp_path: Path) -> None:
    key = _key(tmp_path / "k.pem")
    ring = KeyRing.load(key, [], kid="2026-11")
    token = ring.sign(user_id=uuid4(), session_id=uuid4(), ttl=timedelta(minutes=5), org=None)
    assert ring.decode(token)["aud"] == ACCOUNT_AUDIENCE
    assert jwt.get_unverified_header(token)["kid"] == "2026-11"
    verifier = TokenVerifier(
        issuer="rachmistrz-auth", audience="rachmistrz", public_key_pem=_public(key)
    )
    with pytest.raises(Unauthenticated):
        await verifier.verify(token)


def test_a_key_that_is_not_p256_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p384.pem"
    path.write_bytes(
        ec.generate_private_key(ec.SECP384R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(ValueError, match="P-256"):
        KeyRing.load(path, [])
