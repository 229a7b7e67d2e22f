"""Certificates, private keys and XAdES signatures of the KSeF `AuthTokenRequest`.

The gateway signs with signxml (enveloped XAdES, RSA or ECDSA) and checks what users upload
with the same library, pinning the certificate from the signature's KeyInfo, as KSeF does.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from lxml import etree  # type: ignore[import-untyped]
from signxml.algorithms import SignatureConstructionMethod, SignatureMethod
from signxml.exceptions import InvalidCertificate as SxInvalidCertificate
from signxml.exceptions import InvalidDigest, InvalidInput, InvalidSignature
from signxml.verifier import SignatureConfiguration, XMLVerifier
from signxml.xades.xades import XAdESSigner

from ksef_gateway import errors

AUTH_NS = "http://ksef.mf.gov.pl/auth/token/2.0"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
SERIAL_NUMBER = x509.ObjectIdentifier("2.5.4.5")
ORGANIZATION_IDENTIFIER = x509.ObjectIdentifier("2.5.4.97")
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"


@dataclass(frozen=True)
class Credential:
    certificate: x509.Certificate
    key: PrivateKeyTypes

    @property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def key_pem(self) -> bytes:
        """Unencrypted PKCS#8: only ever stored inside the vault."""
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @property
    def nip(self) -> str | None:
        return certificate_nip(self.certificate)

    @property
    def valid_until(self) -> datetime:
        return self.certificate.not_valid_after_utc


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def load_certificate(data: bytes) -> x509.Certificate:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as error:
        raise errors.InvalidCertificate() from error


def load_private_key(data: bytes, password: str | None) -> PrivateKeyTypes:
    secret = password.encode() if password else None
    try:
        if b"-----BEGIN" in data:
            return serialization.load_pem_private_key(data, secret)
        return serialization.load_der_private_key(data, secret)
    except TypeError as error:
        # cryptography: a password was given for an unencrypted key, or none for an encrypted one.
        raise errors.WrongKeyPassword() from error
    except ValueError as error:
        if secret is not None and b"ENCRYPTED" in data:
            raise errors.WrongKeyPassword() from error
        raise errors.InvalidPrivateKey() from error


def load_credential(
    cert_data: bytes, key_data: bytes, password: str | None, now: datetime
) -> Credential:
    """A certificate and its key, checked: readable, matching, valid now, naming a NIP."""
    cert = load_certificate(cert_data)
    key = load_private_key(key_data, password)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise errors.InvalidPrivateKey("Obsługiwane są klucze RSA i EC (ECDSA).")
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    pem = serialization.Encoding.PEM
    if key.public_key().public_bytes(pem, public) != cert.public_key().public_bytes(pem, public):
        raise errors.KeyDoesNotMatchCertificate()
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise errors.CertificateExpired(
            details={"valid_until": cert.not_valid_after_utc.isoformat()}
        )
    credential = Credential(cert, key)
    if credential.nip is None:
        raise errors.CertificateWithoutNip()
    return credential


def certificate_nip(cert: x509.Certificate) -> str | None:
    """The NIP the certificate identifies (company seal VATPL-, or TINPL-/NIP serialNumber)."""
    for attr in cert.subject.get_attributes_for_oid(ORGANIZATION_IDENTIFIER):
        if m := re.match(r"^VATPL.*?(\d{10})$", str(attr.value)):
            return m.group(1)
    for attr in cert.subject.get_attributes_for_oid(SERIAL_NUMBER):
        if m := re.match(r"^(?:TINPL|NIP).*?(\d{10})$", str(attr.value)):
            return m.group(1)
    return None


def auth_request_xml(challenge: str, nip: str) -> bytes:
    """The unsigned `AuthTokenRequest` for context `nip`, identified by the certificate subject."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<AuthTokenRequest xmlns="{AUTH_NS}">'
        f"<Challenge>{challenge}</Challenge>"
        f"<ContextIdentifier><Nip>{nip}</Nip></ContextIdentifier>"
        "<SubjectIdentifierType>certificateSubject</SubjectIdentifierType></AuthTokenRequest>"
    ).encode()


def sign(xml: bytes, credential: Credential) -> bytes:
    is_ec = isinstance(credential.key, ec.EllipticCurvePrivateKey)
    signer = XAdESSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=SignatureMethod.ECDSA_SHA256 if is_ec else SignatureMethod.RSA_SHA256,
        c14n_algorithm=C14N,
    )
    root = etree.fromstring(xml, safe_parser())
    signed = signer.sign(root, key=credential.key_pem(), cert=[credential.certificate_pem])
    result: bytes = etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
    return result


_VERIFY = SignatureConfiguration(
    expect_references=True,
    signature_methods=frozenset(m for m in SignatureMethod if not m.name.startswith("HMAC")),
)


def _signing_certificate(root: etree._Element) -> x509.Certificate:
    signatures = root.findall(f".//{DS}Signature")
    if not signatures:
        raise errors.UnsignedXml()
    cert_el = signatures[0].find(f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate")
    if cert_el is None or not cert_el.text:
        raise errors.TamperedXml("Podpis nie zawiera certyfikatu podpisującego.")
    return load_certificate(_der(cert_el.text))


def _der(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except ValueError as error:
        raise errors.InvalidCertificate() from error


def check_signed_request(data: bytes, challenge: str, nip: str) -> x509.Certificate:
    """The signing certificate of an uploaded, signed `AuthTokenRequest` for this challenge."""
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as error:
        raise errors.XmlNotReadable() from error
    cert = _signing_certificate(root)
    try:
        results = XMLVerifier().verify(
            data, x509_cert=cert, expect_config=_VERIFY, parser=safe_parser()
        )
    except (SxInvalidCertificate, InvalidSignature, InvalidDigest, InvalidInput) as error:
        raise errors.TamperedXml() from error
    items = results if isinstance(results, list) else [results]
    signed = next(
        (
            i.signed_xml
            for i in items
            if i.signed_xml is not None
            and etree.QName(i.signed_xml).localname == "AuthTokenRequest"
        ),
        None,
    )
    if signed is None:
        raise errors.TamperedXml("Podpis nie obejmuje całego dokumentu AuthTokenRequest.")
    signed_challenge = signed.findtext(f"{{{AUTH_NS}}}Challenge")
    signed_nip = signed.findtext(f"{{{AUTH_NS}}}ContextIdentifier/{{{AUTH_NS}}}Nip")
    if signed_challenge != challenge or signed_nip != nip:
        raise errors.ChallengeMismatch()
    return cert


def build_csr(attributes: list[tuple[str, str]]) -> tuple[ec.EllipticCurvePrivateKey, bytes]:
    """An EC P-256 key and a DER CSR whose subject is exactly KSeF's enrolment data."""
    oids = {
        "commonName": x509.NameOID.COMMON_NAME,
        "countryName": x509.NameOID.COUNTRY_NAME,
        "surname": x509.NameOID.SURNAME,
        "givenName": x509.NameOID.GIVEN_NAME,
        "serialNumber": x509.NameOID.SERIAL_NUMBER,
        "organizationName": x509.NameOID.ORGANIZATION_NAME,
        "organizationIdentifier": ORGANIZATION_IDENTIFIER,
        "uniqueIdentifier": x509.ObjectIdentifier("2.5.4.45"),
    }
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(oids[k], v) for k, v in attributes])
    csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
    return key, csr.public_bytes(serialization.Encoding.DER)
