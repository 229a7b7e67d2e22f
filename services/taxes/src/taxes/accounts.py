"""Polish bank account numbers (NRB) and the payer-specific accounts taxes and ZUS go to.

NRB: 26 digits, `CC` check digits then the 8-digit sort code of the bank and 16 digits; the
check digits are those of the IBAN `PL` + NRB (ISO 7064 MOD 97-10).

Individual tax micro-account (mikrorachunek podatkowy, since 2020 for PIT, CIT and VAT):
`CC 10100071 222 Y <identifier>` where Y is 2 for a NIP (1 for a PESEL) and the identifier is
left-aligned and padded with zeros to 26 digits (MF; e.g. 88 10100071 222 2 5951416168 00).

ZUS individual contribution account (NRS, since 2018): `CC 60000002 026 RRR <NIP>`, ZUS's sort
code 60000002 in digits 3-10, `026`, a 3-digit code of the declaration range and the payer's NIP
as the last 10 digits (infor.pl, prawo.pl, ZUS letters). The range code of ordinary monthly
declarations is `001` in every published example we found, but ZUS assigns it, so the computed
number is a default to confirm against the payer's letter from ZUS, never an authority.
"""

from __future__ import annotations

import re

NBP_TAX_SORT_CODE = "10100071"
ZUS_SORT_CODE = "60000002"
ZUS_DEFAULT_RANGE = "001"
_PL = "2521"  # "PL" as the digits ISO 13616 uses (P=25, L=21)
_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def normalise_account(text: str) -> str:
    """Digits of an account typed with spaces, dashes or a `PL` prefix."""
    cleaned = re.sub(r"[\s-]", "", text).upper()
    return cleaned.removeprefix("PL")


def check_digits(body24: str) -> str:
    """The two check digits of an NRB whose last 24 digits are `body24`."""
    remainder = int(body24 + _PL + "00") % 97
    return f"{98 - remainder:02d}"


def is_valid_nrb(account: str) -> bool:
    return (
        len(account) == 26 and account.isdigit() and int(account[2:] + _PL + account[:2]) % 97 == 1
    )


def sort_code(account: str) -> str:
    """The bank's 8-digit sort code inside an NRB (digits 3-10)."""
    return account[2:10]


def is_valid_nip(nip: str) -> bool:
    if len(nip) != 10 or not nip.isdigit():
        return False
    check = sum(w * int(d) for w, d in zip(_NIP_WEIGHTS, nip, strict=False)) % 11
    return check != 10 and check == int(nip[9])


def tax_micro_account(nip: str) -> str:
    """The individual tax micro-account of a payer identified by NIP."""
    if not is_valid_nip(nip):
        raise ValueError(f"invalid NIP {nip!r}")
    body = (NBP_TAX_SORT_CODE + "222" + "2" + nip).ljust(24, "0")
    return check_digits(body) + body


def zus_contribution_account(nip: str, range_code: str = ZUS_DEFAULT_RANGE) -> str:
    """The payer's ZUS contribution account (NRS) for a declaration range code."""
    if not is_valid_nip(nip):
        raise ValueError(f"invalid NIP {nip!r}")
    body = ZUS_SORT_CODE + "026" + range_code + nip
    return check_digits(body) + body


def is_zus_account(account: str) -> bool:
    return is_valid_nrb(account) and sort_code(account) == ZUS_SORT_CODE


def group(account: str) -> str:
    """The usual printed form: `CC NNNN NNNN ...`."""
    return " ".join([account[:2], *(account[i : i + 4] for i in range(2, 26, 4))])
