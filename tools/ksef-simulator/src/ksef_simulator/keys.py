"""The simulator's own MF-style RSA keys and self-signed certificates, with rotation."""

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from .errors import KsefError

TOKEN_USAGE = "KsefTokenEncryption"
SYMMETRIC_USAGE = "SymmetricKeyEncryption"
UNKNOWN_KEY = 21470
UNKNOWN_KEY_DESCRIPTION = (
    "Przesłany identyfikator klucza jest nieznany lub wskazuje na wycofany klucz."
)
OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass
class ServerKey:
    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    usage: str
    withdrawn: bool = False

    @property
    def certificate_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def public_key_id(self) -> str:
        """SHA-256 of the SubjectPublicKeyInfo DER, Base64 (44 chars), as KSeF does."""
        spki = self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return b64(hashlib.sha256(spki).digest())

    @property
    def certificate_id(self) -> str:
        return b64(hashlib.sha256(self.certificate_der).digest())


def _self_signed(key: rsa.RSAPrivateKey, usage: str, now: datetime) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "KSeF Simulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"KSeF Simulator {usage}"),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=4 * 365))
        .sign(key, hashes.SHA256())
    )


class KeyRing:
    """All keys ever published; `rotate` adds a newer one while the old stays listed."""

    def __init__(self, now: datetime) -> None:
        self.keys: list[ServerKey] = []
        for usage in (TOKEN_USAGE, SYMMETRIC_USAGE):
            self.rotate(usage, now)

    def rotate(self, usage: str, now: datetime) -> ServerKey:
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key = ServerKey(private_key, _self_signed(private_key, usage, now), usage)
        self.keys.append(key)
        return key

    def withdraw(self, public_key_id: str) -> None:
        for key in self.keys:
            if key.public_key_id == public_key_id:
                key.withdrawn = True

    def published(self, now: datetime) -> list[ServerKey]:
        return [
            k
            for k in self.keys
            if not k.withdrawn
            and k.certificate.not_valid_before_utc <= now
            and now <= k.certificate.not_valid_after_utc
        ]

    def decrypt(self, ciphertext: bytes, usage: str, public_key_id: str | None) -> bytes:
        """RSA-OAEP SHA-256 decryption; raises ValueError when no key can decrypt."""
        candidates = [k for k in self.keys if k.usage == usage and not k.withdrawn]
        if public_key_id is not None:
            candidates = [k for k in candidates if k.public_key_id == public_key_id]
            if not candidates:
                raise KsefError(
                    UNKNOWN_KEY,
                    UNKNOWN_KEY_DESCRIPTION,
                    f"Klucz o identyfikatorze {public_key_id} nie jest wspierany.",
                )
        # Without publicKeyId the client used whichever key it cached: try newest first.
        for key in reversed(candidates):
            try:
                return key.private_key.decrypt(ciphertext, OAEP)
            except ValueError:
                continue
        raise ValueError("no key decrypts the ciphertext")

    def to_json(self, now: datetime) -> list[dict[str, object]]:
        return [
            {
                "certificate": b64(k.certificate_der),
                "certificateId": k.certificate_id,
                "publicKeyId": k.public_key_id,
                "validFrom": k.certificate.not_valid_before_utc.isoformat(),
                "validTo": k.certificate.not_valid_after_utc.isoformat(),
                "usage": [k.usage],
            }
            for k in self.published(now)
        ]
