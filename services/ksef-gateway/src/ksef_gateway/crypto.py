"""KSeF's own cryptography: MF public keys (RSA-OAEP SHA-256) and AES-256-CBC export parts."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.asymmetric import padding as asym
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

OAEP = asym.OAEP(mgf=asym.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def sha256_b64(data: bytes) -> str:
    return b64(hashlib.sha256(data).digest())


@dataclass(frozen=True)
class MfKey:
    certificate: x509.Certificate
    public_key_id: str
    usage: tuple[str, ...]
    valid_from: datetime
    valid_to: datetime

    @classmethod
    def of(cls, item: dict[str, Any]) -> MfKey:
        return cls(
            x509.load_der_x509_certificate(base64.b64decode(item["certificate"])),
            item["publicKeyId"],
            tuple(item["usage"]),
            datetime.fromisoformat(item["validFrom"]),
            datetime.fromisoformat(item["validTo"]),
        )

    def encrypt_b64(self, plaintext: bytes) -> str:
        key = self.certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise ValueError("only RSA MF keys are supported")
        return b64(key.encrypt(plaintext, OAEP))


def pick_key(keys: list[MfKey], usage: str) -> MfKey:
    """The key for `usage` valid now; with several, the latest `validFrom` (KSEF-NOTES §2.4)."""
    now = datetime.now(UTC)
    valid = [k for k in keys if usage in k.usage and k.valid_from <= now <= k.valid_to]
    if not valid:
        valid = [k for k in keys if usage in k.usage]
    if not valid:
        raise LookupError(f"KSeF publishes no key for {usage}")
    return max(valid, key=lambda k: k.valid_from)


@dataclass(frozen=True)
class ExportKey:
    key: bytes
    iv: bytes
    encryption: dict[str, str]

    @classmethod
    def new(cls, mf: MfKey) -> ExportKey:
        key, iv = os.urandom(32), os.urandom(16)
        info = {
            "encryptedSymmetricKey": mf.encrypt_b64(key),
            "initializationVector": b64(iv),
            "publicKeyId": mf.public_key_id,
        }
        return cls(key, iv, info)

    def decrypt(self, data: bytes) -> bytes:
        decryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.iv)).decryptor()
        padded = decryptor.update(data) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return unpadder.update(padded) + unpadder.finalize()


def aes_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(padded) + encryptor.finalize()
