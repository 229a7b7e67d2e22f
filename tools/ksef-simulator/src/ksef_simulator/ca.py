"""The simulator's issuing CA for KSeF certificates (EC P-256)."""

from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

# Lifetime of an issued KSeF certificate (a simulator choice).
VALIDITY = timedelta(days=730)


class CertificateAuthority:
    """The simulator's own issuing CA (EC P-256)."""

    def __init__(self, now: datetime) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "KSeF Simulator"),
                x509.NameAttribute(NameOID.COMMON_NAME, "KSeF Simulator CA"),
            ]
        )
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(self.key, hashes.SHA256())
        )

    def issued(self, cert: x509.Certificate) -> bool:
        if cert.issuer != self.name:
            return False
        try:
            cert.verify_directly_issued_by(self.certificate)
        except Exception:  # noqa: BLE001 - any failure means not ours
            return False
        return True

    def issue(
        self, csr: x509.CertificateSigningRequest, serial: int, kind: str, start: datetime
    ) -> x509.Certificate:
        usage = dict.fromkeys(
            ("content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
             "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"), False,
        )  # fmt: skip
        usage["content_commitment"] = kind == "Offline"
        return (
            x509.CertificateBuilder()
            .subject_name(csr.subject)
            .issuer_name(self.name)
            .public_key(csr.public_key())
            .serial_number(serial)
            .not_valid_before(start)
            .not_valid_after(start + VALIDITY)
            .add_extension(
                x509.KeyUsage(digital_signature=kind == "Authentication", **usage), critical=True
            )
            .sign(self.key, hashes.SHA256())
        )
