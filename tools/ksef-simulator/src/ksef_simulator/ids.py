"""Identifiers in the KSeF formats: reference numbers, challenges and KSeF numbers."""

import secrets
from datetime import datetime


def _crc8_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
        table.append(crc)
    return table


_CRC8 = _crc8_table()


def crc8(data: str) -> str:
    """CRC-8, polynomial 0x07, init 0x00 (KSeF number checksum, notes §8)."""
    crc = 0
    for byte in data.encode("ascii"):
        crc = _CRC8[crc ^ byte]
    return f"{crc:02X}"


def ksef_number(seller_nip: str, day: datetime, technical: str | None = None) -> str:
    """`NIP-YYYYMMDD-XXXXXXXXXXXX-CC`, the checksum over the first 32 characters."""
    tech = technical or secrets.token_hex(6).upper()
    body = f"{seller_nip}-{day:%Y%m%d}-{tech}"
    return f"{body}-{crc8(body)}"


def is_valid_ksef_number(value: str) -> bool:
    parts = value.split("-")
    if len(value) == 35 and len(parts) == 4:
        return crc8(value[:32]) == parts[3]
    return len(value) == 36 and len(parts) == 5


def reference_number(kind: str, when: datetime) -> str:
    """36 chars like `20250514-AU-2DFC46C000-3AC6D5877F-D4`; `kind` is a 2-letter code."""
    body = f"{when:%Y%m%d}-{kind}-{secrets.token_hex(5).upper()}-{secrets.token_hex(5).upper()}"
    return f"{body}-{crc8(body)}"
