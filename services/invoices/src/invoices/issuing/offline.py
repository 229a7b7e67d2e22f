"""The company's KSeF Offline certificate, QR code II, and the PDF of an issued invoice.

QR codes and the PDF come from `invoices.render` (shared with received invoices); this module
only loads the certificate and decides which codes an issued invoice carries.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from invoices.fa3.parser import parse
from invoices.issuing.domain import InvalidCertificate
from invoices.render.pdf import render_pdf
from invoices.render.qr import certificate_link
from invoices.render.view import build_view

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
# Sealed keys start with this marker; a plain PKCS#8 DER key starts with 0x30 (a SEQUENCE).
SEALED = b"AESGCM1"
_AAD = b"rachmistrz/issuing/offline-key"


def seal(secret: str | None, key_der: bytes) -> bytes:
    """The private key encrypted with the service's secret, or as is when none is set."""
    if not secret:
        return key_der
    nonce = os.urandom(12)
    aes = AESGCM(hashlib.sha256(secret.encode()).digest())
    return SEALED + nonce + aes.encrypt(nonce, key_der, _AAD)


def unseal(secret: str | None, stored: bytes) -> bytes:
    if not stored.startswith(SEALED):
        return stored
    if not secret:
        raise RuntimeError("offline key is encrypted but OFFLINE_KEY_SECRET is not set")
    nonce, body = stored[len(SEALED) : len(SEALED) + 12], stored[len(SEALED) + 12 :]
    return AESGCM(hashlib.sha256(secret.encode()).digest()).decrypt(nonce, body, _AAD)


def _certificate(text: str) -> x509.Certificate:
    data = text.strip().encode()
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(base64.b64decode(data, validate=True))


def load_certificate(cert_text: str, key_text: str, password: str | None) -> dict[str, Any]:
    """The certificate's serial and validity plus DER bytes to store; refuses a key that does
    not belong to the certificate or is of a kind KSeF does not sign QR II with."""
    try:
        cert = _certificate(cert_text)
        key = serialization.load_pem_private_key(
            key_text.strip().encode(), password.encode() if password else None
        )
    except (ValueError, TypeError, binascii.Error) as error:
        raise InvalidCertificate(
            "Nie udało się odczytać certyfikatu lub klucza (PEM; klucz ewentualnie z hasłem)."
        ) from error
    if isinstance(key, ec.EllipticCurvePrivateKey) and not isinstance(key.curve, ec.SECP256R1):
        raise InvalidCertificate("Klucz EC musi być na krzywej P-256.")
    if not isinstance(key, PrivateKey):
        raise InvalidCertificate("Klucz musi być RSA (min. 2048 bitów) albo EC P-256.")
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size < 2048:
        raise InvalidCertificate("Klucz RSA musi mieć co najmniej 2048 bitów.")
    pub = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    if cert.public_key().public_bytes(der, pub) != key.public_key().public_bytes(der, pub):
        raise InvalidCertificate("Klucz prywatny nie pasuje do certyfikatu.")
    if cert.not_valid_after_utc < datetime.now(UTC):
        raise InvalidCertificate("Certyfikat wygasł.")
    return {
        "serial": f"{cert.serial_number:016X}",
        "certificate": cert.public_bytes(der),
        "private_key": key.private_bytes(
            der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        "valid_from": cert.not_valid_before_utc,
        "valid_to": cert.not_valid_after_utc,
    }


@dataclass(frozen=True)
class Signing:
    """What offline issuing needs from the settings."""

    qr_base_url: str
    key_secret: str | None = None

    @classmethod
    def of(cls, settings: Any) -> Signing:
        """From the service's settings (`ksef_qr_base_url`, `offline_key_secret`)."""
        secret = settings.offline_key_secret
        return cls(settings.ksef_qr_base_url, secret.get_secret_value() if secret else None)


def qr2_link(
    signing: Signing, stored: Any, *, context_nip: str, seller_nip: str, xml: bytes
) -> str:
    der = unseal(signing.key_secret, bytes(stored["private_key"]))
    key = serialization.load_der_private_key(der, None)
    assert isinstance(key, PrivateKey)
    return certificate_link(
        signing.qr_base_url,
        context_type="Nip",
        context_id=context_nip,
        seller_nip=seller_nip,
        cert_serial=stored["serial"],
        xml=xml,
        key=key,
    )


def pdf(row: Any, qr_base_url: str, font: Path, bold: Path) -> bytes:
    xml = bytes(row["xml"])
    invoice = parse(xml, max_bytes=len(xml) + 1, validate=False)
    view_row = {
        "ksef_number": row["ksef_number"],
        "ksef_date": row["acquisition_date"],
        "direction": "sales",
        "approval": "not_required",
        "booking": "unbooked",
        "category_name": "",
    }
    view = build_view(
        view_row, invoice, xml, qr_base_url, with_stamp=False, qr2_link=row["qr2_link"]
    )
    return render_pdf([view], font, bold)
