"""Arranging KSeF data in the simulator for tests and benchmarks (never used in production).

`SimCompany` acts as a company's owner in the KSeF simulator: it logs in with a self-signed
TEST-style certificate, grants an office InvoiceRead, issues KSeF tokens and sends invoices.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from ksef_gateway import xades
from ksef_gateway.crypto import MfKey, aes_encrypt, b64, pick_key, sha256_b64

TEMPLATE = Path(__file__).parent / "resources" / "fa3_template.xml"
FA3_FORM = {"systemCode": "FA (3)", "schemaVersion": "1-0E", "value": "FA"}


def self_signed(
    nip: str, *, seal: bool = False, password: str | None = None, days: int = 365
) -> tuple[str, str]:
    """(certificate PEM, private key PEM) naming `nip` as TEST accepts (TINPL- or VATPL-)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "PL")]
    if seal:
        attrs += [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Biuro {nip}"),
            x509.NameAttribute(xades.ORGANIZATION_IDENTIFIER, f"VATPL-{nip}"),
        ]
    else:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, f"TINPL-{nip}"))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, f"Test {nip}"))
    name = x509.Name(attrs)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem.decode()


def ksef_nip() -> str:
    """A random NIP with a valid checksum that KSeF's XSD accepts (first 3 digits non-zero)."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    while True:
        digits = [secrets.randbelow(9) + 1 for _ in range(3)] + [
            secrets.randbelow(10) for _ in range(6)
        ]
        check = sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def invoice_xml(seller: str, buyer: str, number: str, day: str) -> bytes:
    raw = TEMPLATE.read_bytes()
    raw = raw.replace(b"#nip#", seller.encode()).replace(b"#invoice_number#", number.encode())
    return raw.replace(b"#invoicing_date#", day.encode()).replace(b"3861610227", buyer.encode())


class SimCompany:
    """The owner of `nip` in the simulator (base URL without /v2)."""

    def __init__(self, http: httpx.AsyncClient, base: str, nip: str) -> None:
        self.http, self.base, self.nip = http, base.rstrip("/"), nip
        self.token: str | None = None

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def _v2(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        headers = {**kw.pop("headers", {}), **(self._auth() if self.token else {})}
        resp = await self.http.request(method, f"{self.base}/v2{path}", headers=headers, **kw)
        resp.raise_for_status()
        return dict(resp.json()) if resp.content else {}

    async def login(self) -> SimCompany:
        cert_pem, key_pem = self_signed(self.nip)
        cred = xades.load_credential(cert_pem.encode(), key_pem.encode(), None, datetime.now(UTC))
        challenge = (await self._v2("POST", "/auth/challenge"))["challenge"]
        signed = xades.sign(xades.auth_request_xml(challenge, self.nip), cred)
        init = await self._v2(
            "POST",
            "/auth/xades-signature",
            content=signed,
            headers={"Content-Type": "application/xml"},
        )
        self.token = init["authenticationToken"]["token"]
        status = await self._v2("GET", f"/auth/{init['referenceNumber']}")
        assert status["status"]["code"] == 200, status
        self.token = (await self._v2("POST", "/auth/token/redeem"))["accessToken"]["token"]
        return self

    async def grant(self, office_nip: str, *permissions: str, can_delegate: bool = True) -> None:
        body = {
            "subjectIdentifier": {"type": "Nip", "value": office_nip},
            "permissions": [{"type": p, "canDelegate": can_delegate} for p in permissions],
            "description": "Biuro rachunkowe",
            "subjectDetails": {"fullName": f"Biuro {office_nip}"},
        }
        await self._v2("POST", "/permissions/entities/grants", json=body)

    async def received_grant_ids(self, client_nip: str) -> list[str]:
        """As an office: ids of the grants `client_nip` gave this context."""
        body = {"contextIdentifier": {"type": "Nip", "value": client_nip}}
        page = await self._v2(
            "POST", "/permissions/query/entities/grants", json=body, params={"pageSize": 100}
        )
        return [str(p["id"]) for p in page["permissions"]]

    async def revoke(self, grant_id: str) -> None:
        """As a client: withdraw a grant (ids come from the office's query)."""
        await self._v2("DELETE", f"/permissions/common/grants/{grant_id}")

    async def new_ksef_token(self) -> str:
        body = {"permissions": ["InvoiceRead"], "description": "Rachmistrz test"}
        return str((await self._v2("POST", "/tokens", json=body))["token"])

    async def _mf_key(self, usage: str) -> MfKey:
        resp = await self.http.get(f"{self.base}/v2/security/public-key-certificates")
        return pick_key([MfKey.of(k) for k in resp.json()], usage)

    async def send_invoices(self, buyer: str, count: int, prefix: str) -> list[str]:
        """Issue `count` invoices to `buyer` in one online session; returns their KSeF numbers."""
        mf = await self._mf_key("SymmetricKeyEncryption")
        key, iv = os.urandom(32), os.urandom(16)
        encryption = {
            "encryptedSymmetricKey": mf.encrypt_b64(key),
            "initializationVector": b64(iv),
            "publicKeyId": mf.public_key_id,
        }
        ref = (
            await self._v2(
                "POST", "/sessions/online", json={"formCode": FA3_FORM, "encryption": encryption}
            )
        )["referenceNumber"]
        day = datetime.now(UTC).date().isoformat()
        numbers = []
        for i in range(count):
            xml = invoice_xml(self.nip, buyer, f"{prefix}{i}", day)
            enc = aes_encrypt(key, iv, xml)
            sent = await self._v2(
                "POST",
                f"/sessions/online/{ref}/invoices",
                json={
                    "invoiceHash": sha256_b64(xml),
                    "invoiceSize": len(xml),
                    "encryptedInvoiceHash": sha256_b64(enc),
                    "encryptedInvoiceSize": len(enc),
                    "encryptedInvoiceContent": b64(enc),
                },
            )
            status = await self._v2("GET", f"/sessions/{ref}/invoices/{sent['referenceNumber']}")
            assert status["status"]["code"] == 200, status
            numbers.append(str(status["ksefNumber"]))
        await self._v2("POST", f"/sessions/online/{ref}/close")
        return numbers
