"""Account numbers: NRB checksums, the tax micro-account and the ZUS contribution account."""

from __future__ import annotations

import pytest

from taxes import accounts


def test_micro_account_matches_the_published_layout_and_a_real_number() -> None:
    # A micro-account seen in a public bank-categorisation list, for NIP 5951416168.
    account = accounts.tax_micro_account("5951416168")
    assert account == "88101000712222595141616800"
    assert account[2:10] == "10100071"
    assert account[10:14] == "2222"
    assert accounts.is_valid_nrb(account)


@pytest.mark.parametrize("nip", ["5261040828", "7740001454", "1111111111"])
def test_micro_account_checksum_is_valid_for_any_nip(nip: str) -> None:
    account = accounts.tax_micro_account(nip)
    assert accounts.is_valid_nrb(account)
    assert account[14:24] == nip
    assert account[24:] == "00"


def test_zus_account_carries_zus_sort_code_and_the_nip_last() -> None:
    # The same payer's ZUS account from the same public list: range code 001.
    account = accounts.zus_contribution_account("5951416168")
    assert account == "68600000020260015951416168"
    assert accounts.is_zus_account(account)
    assert account.endswith("5951416168")


def test_a_changed_digit_breaks_the_checksum() -> None:
    account = accounts.tax_micro_account("5261040828")
    broken = account[:-1] + str((int(account[-1]) + 1) % 10)
    assert not accounts.is_valid_nrb(broken)


def test_invalid_nip_gets_no_account() -> None:
    with pytest.raises(ValueError, match="invalid NIP"):
        accounts.tax_micro_account("1234567890")


def test_typed_forms_are_normalised_and_grouped() -> None:
    typed = "PL 88 1010 0071 2222 5951 4161 6800"
    assert accounts.normalise_account(typed) == "88101000712222595141616800"
    assert accounts.group("88101000712222595141616800") == "88 1010 0071 2222 5951 4161 6800"
