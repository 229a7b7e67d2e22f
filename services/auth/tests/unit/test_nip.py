import pytest

from auth.domain import InvalidNip, normalise_nip


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5261040828", "5261040828"),
        ("526-104-08-28", "5261040828"),
        ("PL 526 104 08 28", "5261040828"),
        (" 1234563218 ", "1234563218"),
    ],
)
def test_accepts_nips_with_a_valid_checksum_in_usual_spellings(raw: str, expected: str) -> None:
    assert normalise_nip(raw) == expected


@pytest.mark.parametrize("raw", ["5261040829", "123456789", "12345678901", "abcdefghij", ""])
def test_refuses_nips_with_wrong_checksum_or_shape(raw: str) -> None:
    with pytest.raises(InvalidNip) as error:
        normalise_nip(raw)
    assert error.value.code == "invalid_nip"
    assert "NIP" in error.value.message
