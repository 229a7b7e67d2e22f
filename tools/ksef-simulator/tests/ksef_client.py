"""A KSeF client written from the public docs only, used to drive the simulator in tests."""

import base64
import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import SignatureConstructionMethod
from signxml.xades import XAdESSigner

AUTH_NS = "http://ksef.mf.gov.pl/auth/token/2.0"
OAEP = asym_padding.OAEP(
    mgf=asym_padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None
)
FA3_FORM = {"systemCode": "FA (3)", "schemaVersion": "1-0E", "value": "FA"}


@dataclass
class Identity:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate


def self_signed(nip: str | None = None, pesel: str | None = None, seal: bool = False) -> Identity:
    """A TEST-style certificate: TINPL-/PNOPL- serialNumber or a VATPL- company seal."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "PL")]
    if seal and nip:
        attrs += [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Firma {nip}"),
            x509.NameAttribute(x509.ObjectIdentifier("2.5.4.97"), f"VATPL-{nip}"),
        ]
    elif nip:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, f"TINPL-{nip}"))
    elif pesel:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, f"PNOPL-{pesel}"))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, "Test Subject"))
    name = x509.Name(attrs)
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
    return Identity(key, cert)


def auth_request_xml(challenge: str, nip: str, subject_type: str = "certificateSubject") -> bytes:
    return (
        f'<AuthTokenRequest xmlns="{AUTH_NS}"><Challenge>{challenge}</Challenge>'
        f"<ContextIdentifier><Nip>{nip}</Nip></ContextIdentifier>"
        f"<SubjectIdentifierType>{subject_type}</SubjectIdentifierType></AuthTokenRequest>"
    ).encode()


def sign_xades(xml: bytes, identity: Identity) -> bytes:
    signer = XAdESSigner(
        method=SignatureConstructionMethod.enveloped,
        c14n_algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    )
    key_pem = identity.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    cert_pem = identity.cert.public_bytes(serialization.Encoding.PEM)
    signed = signer.sign(etree.fromstring(xml), key=key_pem, cert=[cert_pem])
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def aes_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


class KsefClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.access_token: str | None = None
        self.refresh_token: str | None = None

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.access_token}"}

    async def public_key(self, usage: str) -> tuple[x509.Certificate, str]:
        resp = await self.http.get("/v2/security/public-key-certificates")
        resp.raise_for_status()
        best = max((k for k in resp.json() if usage in k["usage"]), key=lambda k: k["validFrom"])
        cert = x509.load_der_x509_certificate(base64.b64decode(best["certificate"]))
        return cert, best["publicKeyId"]

    async def challenge(self) -> dict[str, Any]:
        resp = await self.http.post("/v2/auth/challenge")
        resp.raise_for_status()
        return dict(resp.json())

    async def start_token_auth(self, ksef_token: str, nip: str) -> httpx.Response:
        ch = await self.challenge()
        cert, key_id = await self.public_key("KsefTokenEncryption")
        plain = f"{ksef_token}|{ch['timestampMs']}".encode()
        encrypted = cert.public_key().encrypt(plain, OAEP)  # type: ignore[union-attr]
        body = {
            "challenge": ch["challenge"],
            "contextIdentifier": {"type": "Nip", "value": nip},
            "encryptedToken": base64.b64encode(encrypted).decode(),
            "publicKeyId": key_id,
        }
        return await self.http.post("/v2/auth/ksef-token", json=body)

    async def start_xades_auth(self, identity: Identity, nip: str) -> httpx.Response:
        ch = await self.challenge()
        signed = sign_xades(auth_request_xml(ch["challenge"], nip), identity)
        headers = {"Content-Type": "application/xml"}
        return await self.http.post("/v2/auth/xades-signature", content=signed, headers=headers)

    async def finish(self, init: httpx.Response) -> httpx.Response:
        """Poll the status, then redeem; returns the redeem response."""
        init.raise_for_status()
        ref = init.json()["referenceNumber"]
        op_token = init.json()["authenticationToken"]["token"]
        status = await self.http.get(f"/v2/auth/{ref}", headers=self.auth(op_token))
        assert status.status_code == 200, status.json()
        assert status.json()["status"]["code"] == 200, status.json()
        redeem = await self.http.post("/v2/auth/token/redeem", headers=self.auth(op_token))
        if redeem.status_code == 200:
            self.access_token = redeem.json()["accessToken"]["token"]
            self.refresh_token = redeem.json()["refreshToken"]["token"]
        return redeem

    async def login_xades(self, identity: Identity, nip: str) -> None:
        (await self.finish(await self.start_xades_auth(identity, nip))).raise_for_status()

    async def login_token(self, ksef_token: str, nip: str) -> None:
        (await self.finish(await self.start_token_auth(ksef_token, nip))).raise_for_status()

    async def encryption(self) -> tuple[bytes, bytes, dict[str, str]]:
        cert, key_id = await self.public_key("SymmetricKeyEncryption")
        key, iv = os.urandom(32), os.urandom(16)
        wrapped = cert.public_key().encrypt(key, OAEP)  # type: ignore[union-attr]
        info = {
            "encryptedSymmetricKey": base64.b64encode(wrapped).decode(),
            "initializationVector": base64.b64encode(iv).decode(),
            "publicKeyId": key_id,
        }
        return key, iv, info


def invoice_request(key: bytes, iv: bytes, xml: bytes) -> dict[str, Any]:
    encrypted = aes_encrypt(key, iv, xml)
    return {
        "invoiceHash": sha256_b64(xml),
        "invoiceSize": len(xml),
        "encryptedInvoiceHash": sha256_b64(encrypted),
        "encryptedInvoiceSize": len(encrypted),
        "encryptedInvoiceContent": base64.b64encode(encrypted).decode(),
    }


def aes_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()
