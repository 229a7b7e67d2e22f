"""QR code II is signed with the company's Offline key, which is sealed at rest."""

from __future__ import annotations

import base64

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from issuing_data import document, form
from issuing_events import offline_certificate

from invoices.issuing.domain import InvalidCertificate
from invoices.issuing.fa3_builder import build
from invoices.issuing.offline import SEALED, Signing, load_certificate, qr2_link, seal, unseal

BASE = "https://qr-test.ksef.mf.gov.pl"


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_qr_code_ii_signature_verifies_with_the_certificate() -> None:
    cert_pem, key_pem = offline_certificate()
    stored = load_certificate(cert_pem, key_pem, None)
    stored["private_key"] = seal("sekret", stored["private_key"])
    assert stored["private_key"].startswith(SEALED)
    xml = build(document(form()))
    link = qr2_link(
        Signing(BASE, "sekret"), stored, context_nip="5265877635", seller_nip="5265877635", xml=xml
    )
    signed, _, signature = link.rpartition("/")
    assert signed.startswith(f"{BASE}/certificate/Nip/5265877635/5265877635/{stored['serial']}/")
    raw = _b64url(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public = x509.load_pem_x509_certificate(cert_pem.encode()).public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(der, signed.removeprefix("https://").encode(), ec.ECDSA(hashes.SHA256()))


def test_sealed_key_needs_the_secret() -> None:
    sealed = seal("jeden", b"0\x82klucz")
    assert unseal("jeden", sealed) == b"0\x82klucz"
    assert unseal(None, b"0\x82plain") == b"0\x82plain"
    with pytest.raises(RuntimeError):
        unseal(None, sealed)


def test_key_of_another_certificate_is_refused() -> None:
    cert_pem, _ = offline_certificate()
    _, other_key = offline_certificate()
    with pytest.raises(InvalidCertificate) as caught:
        load_certificate(cert_pem, other_key, None)
    assert caught.value.message == "Klucz prywatny nie pasuje do certyfikatu."
