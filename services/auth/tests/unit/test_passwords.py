"""Password policy and Argon2id hashing."""

from __future__ import annotations

import pytest

from auth.errors import WeakPassword
from auth.passwords import check_policy, hash_password, verify_password


@pytest.mark.parametrize(
    "password",
    ["krotkie1", "1234567890", "Password123", "qwertyuiop", "zzzzzzzzzzzz", "abcdefghijkl"],
)
def test_short_common_and_trivial_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword) as error:
        check_policy(password)
    assert error.value.details["rules"]


def test_the_email_is_not_a_password() -> None:
    with pytest.raises(WeakPassword):
        check_policy("anna.nowak@biuro.pl", "Anna.Nowak@biuro.pl")


def test_a_long_uncommon_passphrase_passes() -> None:
    check_policy("Kasztan-w-Ogrodzie-42", "anna@biuro.pl")


def test_hash_is_argon2id_and_verifies_only_the_same_password() -> None:
    hashed = hash_password("Kasztan-w-Ogrodzie-42")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "Kasztan-w-Ogrodzie-42")
    assert not verify_password(hashed, "kasztan-w-ogrodzie-42")
    assert not verify_password(None, "Kasztan-w-Ogrodzie-42")
    assert not verify_password("not-a-hash", "x")
