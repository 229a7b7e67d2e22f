"""Verification of XAdES-signed AuthTokenRequest documents (enveloped, self-signed allowed)."""

import base64
import hashlib
import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree  # type: ignore[import-untyped]
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature
from signxml.verifier import SignatureConfiguration, XMLVerifier

from . import xmlutil
from .domain import Ident
from .errors import KsefError

DS = "{http://www.w3.org/2000/09/xmldsig#}"
SERIAL_NUMBER = x509.ObjectIdentifier("2.5.4.5")
ORGANIZATION_IDENTIFIER = x509.ObjectIdentifier("2.5.4.97")
# KSeF accepts SHA-1/2/3 digests and RSA PKCS#1, PSS or ECDSA signatures (notes §2.3).
_CONFIG = SignatureConfiguration(
    expect_references=True,
    signature_methods=frozenset(m for m in SignatureMethod if not m.name.startswith("HMAC")),
    digest_algorithms=frozenset(DigestAlgorithm),
)


@dataclass
class SignedAuthRequest:
    challenge: str
    context: Ident
    subject: Ident
    method: str  # QualifiedSeal | QualifiedSignature
    certificate: x509.Certificate


def _fail(code: int, description: str, *details: str) -> KsefError:
    return KsefError(code, description, *details)


def _signing_certificate(root: etree._Element) -> x509.Certificate:
    signatures = root.findall(f".//{DS}Signature")
    if not signatures:
        raise _fail(9102, "Brak podpisu.")
    if len(signatures) > 1:
        raise _fail(9103, "Przekroczona liczba dozwolonych podpisów.")
    cert_el = signatures[0].find(f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate")
    if cert_el is None or not cert_el.text:
        raise _fail(21115, "Nieprawidłowy certyfikat.")
    pem = "".join(cert_el.text.split())
    try:
        return x509.load_der_x509_certificate(base64.b64decode(pem))
    except ValueError as exc:
        raise _fail(21115, "Nieprawidłowy certyfikat.") from exc


def _verified_document(data: bytes, cert: x509.Certificate) -> etree._Element:
    try:
        results = XMLVerifier().verify(
            data, x509_cert=cert, expect_config=_CONFIG, parser=xmlutil.safe_parser()
        )
    except InvalidCertificate as exc:
        raise _fail(21115, "Nieprawidłowy certyfikat.", str(exc)) from exc
    except (InvalidSignature, InvalidDigest, InvalidInput) as exc:
        raise _fail(9105, "Nieprawidłowy podpis.", str(exc)) from exc
    items = results if isinstance(results, list) else [results]
    # Only the content covered by the whole-document reference may be trusted.
    for item in items:
        signed = item.signed_xml
        if signed is not None and etree.QName(signed).localname == "AuthTokenRequest":
            return signed
    raise _fail(9105, "Nieprawidłowy podpis.", "Podpis nie obejmuje dokumentu AuthTokenRequest.")


def _as_v21(doc: etree._Element) -> etree._Element:
    copy = xmlutil.parse(etree.tostring(doc))
    for el in copy.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{" + xmlutil.AUTH_NS_20 + "}"):
            el.tag = "{" + xmlutil.AUTH_NS_21 + "}" + etree.QName(el).localname
    return copy


def subject_from_certificate(cert: x509.Certificate) -> tuple[Ident | None, str]:
    """NIP/PESEL from the certificate subject as TEST reads it, plus the auth method."""
    for attr in cert.subject.get_attributes_for_oid(ORGANIZATION_IDENTIFIER):
        match = re.match(r"^VATPL.*?(\d{10})$", str(attr.value))
        if match:
            return Ident("Nip", match.group(1)), "QualifiedSeal"
    for attr in cert.subject.get_attributes_for_oid(SERIAL_NUMBER):
        value = str(attr.value)
        if m := re.match(r"^(?:TINPL|NIP).*?(\d{10})$", value):
            return Ident("Nip", m.group(1)), "QualifiedSignature"
        if m := re.match(r"^(?:PNOPL|PESEL).*?(\d{11})$", value):
            return Ident("Pesel", m.group(1)), "QualifiedSignature"
    return None, "QualifiedSignature"


def _text(doc: etree._Element, ns: str, path: str) -> str | None:
    el = doc.find(path.replace("t:", "{" + ns + "}"))
    return el.text.strip() if el is not None and el.text else None


def _context(doc: etree._Element, ns: str) -> Ident:
    holder = doc.find("{" + ns + "}ContextIdentifier")
    if holder is None or len(holder) == 0:
        raise _fail(21401, "Dokument nie jest zgodny ze schemą (xsd).", "Brak ContextIdentifier.")
    first = holder[0]
    return Ident(etree.QName(first).localname, (first.text or "").strip())


def verify_auth_request(data: bytes) -> SignedAuthRequest:
    try:
        root = xmlutil.parse(data)
    except etree.XMLSyntaxError as exc:
        raise _fail(21001, "Nieczytelna treść.", str(exc)) from exc
    ns = etree.QName(root).namespace or ""
    if ns not in (xmlutil.AUTH_NS_20, xmlutil.AUTH_NS_21):
        raise _fail(9101, "Nieprawidłowy dokument.")
    cert = _signing_certificate(root)
    doc = _verified_document(data, cert)
    errors = xmlutil.schema_errors(xmlutil.auth_schema(), _as_v21(doc))
    if errors:
        raise _fail(21401, "Dokument nie jest zgodny ze schemą (xsd).", *errors)
    subject_type = _text(doc, ns, "t:SubjectIdentifierType")
    subject, method = subject_from_certificate(cert)
    if subject_type == "certificateFingerprint":
        der = cert.public_bytes(Encoding.DER)
        subject = Ident("Fingerprint", hashlib.sha256(der).hexdigest().upper())
    if subject is None:
        raise _fail(21115, "Nieprawidłowy certyfikat.", "Certyfikat nie zawiera NIP ani PESEL.")
    return SignedAuthRequest(
        challenge=_text(doc, ns, "t:Challenge") or "",
        context=_context(doc, ns),
        subject=subject,
        method=method,
        certificate=cert,
    )
