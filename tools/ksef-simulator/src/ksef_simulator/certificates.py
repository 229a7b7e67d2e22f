"""KSeF certificates: the simulator's CA, enrollment from a CSR, query, retrieval, revocation."""

import base64
import binascii
import hashlib
import secrets
from datetime import timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from .ca import VALIDITY
from .domain import AuthOperation, CertificateEnrollment, Ident, KsefCertificate, Status
from .errors import Gone, KsefError
from .ids import reference_number
from .simulator import Simulator

ENROLLMENT_RETENTION = timedelta(days=30)
# CSR subject attributes KSeF hands out in the enrollment data, by JSON field.
FIELDS = {
    "commonName": NameOID.COMMON_NAME,
    "countryName": NameOID.COUNTRY_NAME,
    "givenName": NameOID.GIVEN_NAME,
    "surname": NameOID.SURNAME,
    "serialNumber": NameOID.SERIAL_NUMBER,
    "uniqueIdentifier": NameOID.X500_UNIQUE_IDENTIFIER,
    "organizationName": NameOID.ORGANIZATION_NAME,
    "organizationIdentifier": x509.ObjectIdentifier("2.5.4.97"),
}
_HASHES = (hashes.SHA1, hashes.SHA256, hashes.SHA384, hashes.SHA512)


def enrollment_data(op: AuthOperation) -> dict[str, str]:
    """DN attributes of the login certificate that the CSR must copy exactly."""
    if op.method == "Token" or op.certificate_subject is None:
        raise KsefError(
            25001,
            "Brak możliwości pobrania danych do CSR dla wykorzystanego sposobu uwierzytelnienia.",
        )
    by_oid = {oid.dotted_string: field for field, oid in FIELDS.items()}
    data: dict[str, str] = {}
    for oid, value in op.certificate_subject:
        if oid in by_oid and by_oid[oid] not in data:
            data[by_oid[oid]] = value
    data.setdefault("commonName", op.subject.value)
    data.setdefault("countryName", "PL")
    return data


def _attributes(data: dict[str, str]) -> set[tuple[str, str]]:
    return {(FIELDS[f].dotted_string, v) for f, v in data.items()}


def _spki_hash(key: Any) -> str:
    spki = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(spki).hexdigest()


def _parse_csr(csr_b64: str) -> x509.CertificateSigningRequest:
    try:
        csr = x509.load_der_x509_csr(base64.b64decode(csr_b64, validate=True))
        valid = csr.is_signature_valid
    except (ValueError, binascii.Error) as exc:
        raise KsefError(25004, "Niepoprawny format CSR lub niepoprawny podpis CSR.") from exc
    if not valid:
        raise KsefError(25004, "Niepoprawny format CSR lub niepoprawny podpis CSR.")
    key = csr.public_key()
    rsa_ok = isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048
    ec_ok = isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1)
    if not (rsa_ok or ec_ok):
        raise KsefError(25010, "Nieprawidłowy typ lub długość klucza.")
    if not isinstance(csr.signature_hash_algorithm, _HASHES):
        raise KsefError(25011, "Nieprawidłowy algorytm podpisu CSR.")
    return csr


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def limits(sim: Simulator, owner: Ident) -> dict[str, Any]:
    max_requests, max_active = sim.testdata.certificate_limits(owner)
    requests = [e for e in await sim.store.list_enrollments() if e.owner == owner]
    active = [c for c in await owned(sim, owner) if status_of(sim, c) == "Active"]
    enrollment = {"limit": max_requests, "remaining": max(0, max_requests - len(requests))}
    certificate = {"limit": max_active, "remaining": max(0, max_active - len(active))}
    can = enrollment["remaining"] > 0 and certificate["remaining"] > 0
    return {"canRequest": can, "enrollment": enrollment, "certificate": certificate}


async def enroll(
    sim: Simulator, op: AuthOperation, owner: Ident, body: dict[str, Any]
) -> CertificateEnrollment:
    if op.method == "Token" or op.certificate_subject is None:
        raise KsefError(
            25002,
            "Brak możliwości złożenia wniosku certyfikacyjnego dla wykorzystanego sposobu "
            "uwierzytelnienia.",
        )
    csr = _parse_csr(body["csr"])
    csr_attrs = {(a.oid.dotted_string, str(a.value)) for a in csr.subject}
    if csr_attrs != _attributes(enrollment_data(op)):
        raise KsefError(
            25003, "Dane w CSR nie zgadzają się z danymi w użytym wektorze uwierzytelniającym."
        )
    quota = await limits(sim, owner)
    if quota["enrollment"]["remaining"] == 0:
        raise KsefError(25006, "Osiągnięto limit możliwych do złożenia wniosków certyfikacyjnych.")
    if quota["certificate"]["remaining"] == 0:
        raise KsefError(25007, "Osiągnięto limit dopuszczalnej liczby posiadanych certyfikatów.")
    now = sim.clock.now()
    issued = Status(200, "Wniosek obsłużony (certyfikat wygenerowany)")
    enrollment = CertificateEnrollment(reference_number("CE", now), owner, now, issued)
    spki = _spki_hash(csr.public_key())
    others = [c for c in await sim.store.list_certificates() if c.spki_hash == spki]
    if any(c.owner != owner for c in others):
        enrollment.status = Status(
            400,
            "Wniosek odrzucony",
            ["Klucz publiczny został już certyfikowany przez inny podmiot."],
        )
    else:
        serial = secrets.randbits(63) | (1 << 60)  # 16 hex digits
        start = body.get("validFrom") or now
        cert = sim.ca.issue(csr, serial, body["certificateType"], start)
        common = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        record = KsefCertificate(
            serial_number=f"{serial:016X}",
            name=body["certificateName"],
            type=body["certificateType"],
            owner=owner,
            common_name=str(common[0].value) if common else "",
            der=cert.public_bytes(serialization.Encoding.DER),
            spki_hash=spki,
            request_date=now,
            valid_from=start,
            valid_to=start + VALIDITY,
        )
        await sim.store.save_certificate(record)
        enrollment.serial_number = record.serial_number
    await sim.store.save_enrollment(enrollment)
    return enrollment


async def own_enrollment(sim: Simulator, owner: Ident, ref: str) -> CertificateEnrollment:
    enrollment = await sim.store.get_enrollment(ref)
    if enrollment is None or enrollment.owner != owner:
        raise KsefError(
            25005, "Wniosek certyfikacyjny o podanym numerze referencyjnym nie istnieje."
        )
    if sim.clock.now() > enrollment.request_date + ENROLLMENT_RETENTION:
        raise Gone()
    return enrollment


async def owned(sim: Simulator, owner: Ident) -> list[KsefCertificate]:
    return [c for c in await sim.store.list_certificates() if c.owner == owner]


def status_of(sim: Simulator, cert: KsefCertificate) -> str:
    if cert.revoked:
        return "Revoked"
    return "Expired" if sim.clock.now() > cert.valid_to else "Active"


async def revoke(sim: Simulator, owner: Ident, serial: str, reason: str | None) -> None:
    cert = await sim.store.get_certificate(serial)
    if cert is None or cert.owner != owner:
        raise KsefError(25008, "Certyfikat o podanym numerze seryjnym nie istnieje.")
    if status_of(sim, cert) != "Active":
        raise KsefError(
            25009,
            "Nie można odwołać wskazanego certyfikatu, ponieważ jest już odwołany, zablokowany "
            "lub nieważny.",
        )
    cert.revoked, cert.revocation_reason = True, reason or "Unspecified"
    await sim.store.save_certificate(cert)


async def login_failure(sim: Simulator, cert: x509.Certificate) -> str | None:
    """For a certificate issued by the simulator's CA: why it cannot log in (460), or None."""
    record = await sim.store.get_certificate(f"{cert.serial_number:016X}")
    if record is None:
        return "Niepoprawny certyfikat"
    status = status_of(sim, record)
    if status == "Revoked":
        return "Certyfikat odwołany"
    if status == "Expired" or sim.clock.now() < record.valid_from:
        return "Nieważny certyfikat"
    if record.type != "Authentication":
        return "Niepoprawny certyfikat"
    return None
