"""Certificates, keys and signed AuthTokenRequests: the clear refusals users see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ksef_gateway import errors, xades
from ksef_gateway.testing import self_signed

NIP = "5265877635"
CHALLENGE = "20250514-CR-2DFC46C000-3AC6D5877F-D4"
NOW = datetime.now(UTC)


def test_a_password_protected_key_loads_with_its_password() -> None:
    cert, key = self_signed(NIP, password="tajne")
    credential = xades.load_credential(cert.encode(), key.encode(), "tajne", NOW)
    assert credential.nip == NIP


def test_a_wrong_password_is_named() -> None:
    cert, key = self_signed(NIP, password="tajne")
    with pytest.raises(errors.WrongKeyPassword):
        xades.load_credential(cert.encode(), key.encode(), "zle", NOW)


def test_a_key_of_another_certificate_is_refused() -> None:
    cert, _ = self_signed(NIP)
    _, other_key = self_signed(NIP)
    with pytest.raises(errors.KeyDoesNotMatchCertificate):
        xades.load_credential(cert.encode(), other_key.encode(), None, NOW)


def test_garbage_and_expired_certificates_are_refused() -> None:
    cert, key = self_signed(NIP)
    with pytest.raises(errors.InvalidCertificate):
        xades.load_credential(b"not a cert", key.encode(), None, NOW)
    with pytest.raises(errors.InvalidPrivateKey):
        xades.load_credential(cert.encode(), b"-----BEGIN PRIVATE KEY-----\nxx", None, NOW)
    with pytest.raises(errors.CertificateExpired):
        xades.load_credential(cert.encode(), key.encode(), None, NOW + timedelta(days=400))


def _signed() -> bytes:
    cert, key = self_signed(NIP)
    credential = xades.load_credential(cert.encode(), key.encode(), None, NOW)
    return xades.sign(xades.auth_request_xml(CHALLENGE, NIP), credential)


def test_a_signed_request_passes_and_names_its_signer() -> None:
    cert = xades.check_signed_request(_signed(), CHALLENGE, NIP)
    assert xades.certificate_nip(cert) == NIP


def test_unsigned_tampered_foreign_and_unreadable_requests_are_refused() -> None:
    with pytest.raises(errors.UnsignedXml):
        xades.check_signed_request(xades.auth_request_xml(CHALLENGE, NIP), CHALLENGE, NIP)
    tampered = _signed().replace(NIP.encode(), b"7010002137", 1)
    with pytest.raises(errors.TamperedXml):
        xades.check_signed_request(tampered, CHALLENGE, "7010002137")
    with pytest.raises(errors.ChallengeMismatch):
        xades.check_signed_request(_signed(), CHALLENGE.replace("D4", "D5"), NIP)
    with pytest.raises(errors.XmlNotReadable):
        xades.check_signed_request(b"<a>", CHALLENGE, NIP)


def test_a_csr_carries_exactly_the_enrolment_subject() -> None:
    from cryptography import x509

    _, der = xades.build_csr([("commonName", "Biuro"), ("countryName", "PL")])
    csr = x509.load_der_x509_csr(der)
    assert csr.is_signature_valid
    assert csr.subject.rfc4514_string() == "C=PL,CN=Biuro"
