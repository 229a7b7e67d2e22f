"""Drives the simulator with the third-party `ksef-client` SDK (PyPI), in the SDK's own venv.

Run as `<sdk venv>/bin/python driver.py <base_url> <scenario> <json args>`; prints one JSON
object with what the scenario observed. Only the SDK's public API is used, with options a user
would set for a local endpoint: plain http allowed for pre-signed URLs, and the simulator's
host name resolved to loopback (like an /etc/hosts entry), because the SDK refuses pre-signed
URLs that point at a loopback IP or `localhost`.
"""

import base64
import hashlib
import json
import socket
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from ksef_client import KsefClient, KsefClientOptions
from ksef_client import models as m
from ksef_client.services.crypto import build_encryption_data
from ksef_client.services.workflows import AuthCoordinator, ExportWorkflow, OnlineSessionWorkflow
from ksef_client.services.xades import XadesKeyPair

FA3 = m.FormCode(system_code="FA (3)", schema_version="1-0E", value="FA")
_real_getaddrinfo = socket.getaddrinfo


def _resolve_to_loopback(host: str) -> None:
    def getaddrinfo(name: Any, *args: Any, **kwargs: Any) -> Any:
        return _real_getaddrinfo("127.0.0.1" if name == host else name, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]


def self_signed(nip: str) -> XadesKeyPair:
    """A TEST-style personal certificate with serialNumber TINPL-<nip>."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"TINPL-{nip}"),
            x509.NameAttribute(NameOID.COMMON_NAME, "SDK Tester"),
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
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return XadesKeyPair(cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem)


class Session:
    def __init__(self, base_url: str) -> None:
        host = urlparse(base_url).hostname or ""
        _resolve_to_loopback(host)
        options = KsefClientOptions(
            base_url=base_url,
            strict_presigned_url_validation=False,
            allowed_presigned_hosts=[host],
        )
        self.client = KsefClient(options)
        self.auth = AuthCoordinator(self.client.auth)

    def public_key(self, usage: str) -> tuple[str, str]:
        keys = self.client.security.get_public_key_certificates()
        best = max((k for k in keys if usage in [u.value for u in k.usage]), key=_valid_from)
        return best.certificate, best.public_key_id

    def login_xades(self, nip: str) -> str:
        result = self.auth.authenticate_with_xades_key_pair(
            key_pair=self_signed(nip),
            context_identifier_type="nip",
            context_identifier_value=nip,
            subject_identifier_type="certificateSubject",
            poll_interval_seconds=0.2,
        )
        return result.access_token


def _valid_from(key: Any) -> str:
    return str(key.valid_from)


def _poll(fetch: Callable[[], Any], done: Callable[[Any], bool], attempts: int = 60) -> Any:
    for _ in range(attempts):
        value = fetch()
        if done(value):
            return value
        time.sleep(0.25)
    raise TimeoutError("the simulator did not finish in time")


def xades_login(s: Session, nip: str) -> dict[str, Any]:
    token = s.login_xades(nip)
    sessions = s.client.auth.get_active_sessions(access_token=token)
    return {"accessToken": bool(token), "activeSessions": len(sessions.items)}


def token_login(s: Session, nip: str) -> dict[str, Any]:
    owner = s.login_xades(nip)
    perms = [m.TokenPermissionType.INVOICEREAD, m.TokenPermissionType.INVOICEWRITE]
    generated = s.client.tokens.generate_token(
        m.GenerateTokenRequest(description="SDK token test", permissions=perms),
        access_token=owner,
    )
    status = _poll(
        lambda: s.client.tokens.get_token_status(generated.reference_number, access_token=owner),
        lambda st: st.status.value == "Active",
    )
    cert, key_id = s.public_key("KsefTokenEncryption")
    result = s.auth.authenticate_with_ksef_token(
        token=generated.token,
        public_certificate=cert,
        public_key_id=key_id,
        context_identifier_type="nip",
        context_identifier_value=nip,
        poll_interval_seconds=0.2,
    )
    refreshed = s.client.auth.refresh_access_token(result.refresh_token)
    return {"tokenStatus": status.status.value, "refreshed": bool(refreshed.access_token.token)}


def send_invoice(s: Session, nip: str, invoice_path: str) -> dict[str, Any]:
    token = s.login_xades(nip)
    cert, key_id = s.public_key("SymmetricKeyEncryption")
    workflow = OnlineSessionWorkflow(s.client.sessions)
    handle = workflow.open_session(
        form_code=FA3, public_certificate=cert, public_key_id=key_id, access_token=token
    )
    with open(invoice_path, "rb") as f:
        xml = f.read()
    sent = handle.send_invoice(xml)
    status = _poll(
        lambda: handle.get_invoice_status(sent.reference_number),
        lambda st: st.status.code != 100,
    )
    upo = handle.get_invoice_upo_by_ref(sent.reference_number)
    upo_by_number = handle.get_invoice_upo_by_ksef(status.ksef_number)
    handle.close()
    session = _poll(handle.get_status, lambda st: st.status.code not in (100, 170))
    page = session.upo.pages[0]
    session_upo = handle.get_upo(page.reference_number)
    presigned = s.client.http_client.request("GET", page.download_url, skip_auth=True)
    return {
        "invoiceStatus": status.status.code,
        "ksefNumber": status.ksef_number,
        "upoHasNumber": status.ksef_number in _text(upo),
        "upoByNumberHasNumber": status.ksef_number in _text(upo_by_number),
        "sessionStatus": session.status.code,
        "sessionUpoHasNumber": status.ksef_number in _text(session_upo),
        "presignedUpoHasNumber": status.ksef_number in presigned.content.decode(),
    }


def _text(upo: Any) -> str:
    content = getattr(upo, "content", upo)
    return content.decode() if isinstance(content, bytes) else str(content)


def _filters(subject: str) -> m.InvoiceQueryFilters:
    since = (datetime.now(UTC) - timedelta(days=80)).isoformat()
    return m.InvoiceQueryFilters(
        subject_type=m.InvoiceQuerySubjectType(subject),
        date_range=m.InvoiceQueryDateRange(
            date_type=m.InvoiceQueryDateType.PERMANENTSTORAGE, from_=since
        ),
    )


def metadata_paging(s: Session, nip: str) -> dict[str, Any]:
    token = s.login_xades(nip)
    pages = list(
        s.client.invoices.iter_invoice_metadata_pages(
            _filters("Subject1"), access_token=token, page_size=10, sort_order="Asc"
        )
    )
    numbers = [i.ksef_number for p in pages for i in p.invoices]
    return {
        "pageSizes": [len(p.invoices) for p in pages],
        "unique": len(set(numbers)),
        "hwm": bool(pages[0].permanent_storage_hwm_date),
    }


def download(s: Session, nip: str) -> dict[str, Any]:
    token = s.login_xades(nip)
    page = s.client.invoices.query_invoice_metadata(
        _filters("Subject1"), access_token=token, page_size=10
    )
    first = page.invoices[0]
    invoice = s.client.invoices.get_invoice_bytes(first.ksef_number, access_token=token)
    digest = base64.b64encode(hashlib.sha256(invoice.content).digest()).decode()
    return {
        "headerMatches": invoice.sha256_base64 == digest,
        "metadataHashMatches": first.invoice_hash == digest,
        "hasNip": nip in invoice.content.decode(),
    }


def export(s: Session, nip: str, compression: str) -> dict[str, Any]:
    token = s.login_xades(nip)
    cert, key_id = s.public_key("SymmetricKeyEncryption")
    encryption = build_encryption_data(cert, public_key_id=key_id)
    started = s.client.invoices.export_invoices(
        m.InvoiceExportRequest(
            encryption=encryption.encryption_info,
            filters=_filters("Subject1"),
            compression_type=m.CompressionType(compression),
        ),
        access_token=token,
    )
    status = _poll(
        lambda: s.client.invoices.get_export_status(started.reference_number, access_token=token),
        lambda st: st.status.code != 100,
    )
    workflow = ExportWorkflow(s.client.invoices, s.client.http_client)
    result = workflow.download_and_process_package(status.package, encryption)
    return {
        "status": status.status.code,
        "invoiceCount": status.package.invoice_count,
        "xmlFiles": len(result.invoice_xml_files),
        "metadataRows": len(result.metadata_summaries),
        "compression": status.package.compression_type.value,
    }


SCENARIOS: dict[str, Callable[..., dict[str, Any]]] = {
    "xades_login": xades_login,
    "token_login": token_login,
    "send_invoice": send_invoice,
    "metadata_paging": metadata_paging,
    "download": download,
    "export": export,
}


def main() -> None:
    base_url, scenario, raw_args = sys.argv[1], sys.argv[2], sys.argv[3]
    session = Session(base_url)
    try:
        print(json.dumps(SCENARIOS[scenario](session, **json.loads(raw_args))))
    finally:
        session.client.close()


if __name__ == "__main__":
    main()
