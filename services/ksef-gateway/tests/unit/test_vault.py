"""Envelope encryption: round trip, binding to the row, key rotation."""

from __future__ import annotations

from uuid import uuid4

import pytest
from cryptography.exceptions import InvalidTag

from ksef_gateway.vault import UnknownMasterKey, Vault

OLD, NEW = "o" * 40, "n" * 40


def test_a_secret_round_trips_and_is_not_stored_in_clear() -> None:
    vault, sid = Vault(OLD), uuid4()
    sealed = vault.seal(b"ksef-token-secret", sid)
    assert b"ksef-token-secret" not in sealed.ciphertext + sealed.wrapped_key
    assert vault.open(sealed, sid) == b"ksef-token-secret"


def test_a_ciphertext_moved_to_another_row_does_not_decrypt() -> None:
    vault = Vault(OLD)
    sealed = vault.seal(b"key", uuid4())
    with pytest.raises(InvalidTag):
        vault.open(sealed, uuid4())


def test_rotation_rewraps_with_the_new_key_and_the_old_key_can_then_go() -> None:
    sid = uuid4()
    sealed = Vault(OLD).seal(b"private key", sid)
    rotating = Vault(NEW, [OLD])
    rewrapped = rotating.rewrap(sealed)
    assert rewrapped.key_id == rotating.current_id != sealed.key_id
    assert Vault(NEW).open(rewrapped, sid) == b"private key"
    with pytest.raises(UnknownMasterKey):
        Vault(NEW).open(sealed, sid)
