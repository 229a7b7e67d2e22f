"""Test certificates for benchmark logins (imports only `cryptography`: both venvs have it)."""

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from cryptography.x509.oid import NameOID


def ec_self_signed(nip: str) -> tuple[str, str]:
    """As `ksef_gateway.testing.self_signed`, with an EC P-256 key: the kind the gateway
    enrolls for its companies (`xades.build_csr`), and 2,000 RSA logins would cost minutes of
    CPU (loading and signing with a 2048-bit key ~80 ms, P-256 ~1 ms)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"TINPL-{nip}"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Test {nip}"),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    return cert.public_bytes(Encoding.PEM).decode(), pem.decode()
