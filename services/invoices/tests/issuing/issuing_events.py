"""Deliver the gateway's answers through the inbox, as the Kafka consumer does; test certs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from chassis.inbox import process_once
from contracts.envelope import new_envelope
from contracts.ksef_gateway import InvoiceSendFailed, InvoiceSent, SendError
from invoices.issuing.handlers import on_invoice_send_failed, on_invoice_sent

UPO = "<Potwierdzenie>UPO</Potwierdzenie>"


async def deliver_sent(
    pool: asyncpg.Pool, company_id: UUID, invoice_id: UUID, ksef_number: str
) -> bool:
    data = InvoiceSent(
        company_id=company_id,
        invoice_id=invoice_id,
        ksef_number=ksef_number,
        reference_number="20260302-EE-0000000001-01",
        session_reference="20260302-SO-0000000001-01",
        invoice_hash="x",
        acquisition_date=datetime.now(UTC),
        upo_xml=UPO,
    )
    envelope = new_envelope("invoice.sent", 1, data, producer="ksef-gateway")
    first = await process_once(pool, "invoices", envelope, on_invoice_sent)
    again = await process_once(pool, "invoices", envelope, on_invoice_sent)
    assert not again
    return first


async def deliver_failed(
    pool: asyncpg.Pool, company_id: UUID, invoice_id: UUID, *, retryable: bool = False
) -> None:
    data = InvoiceSendFailed(
        company_id=company_id,
        invoice_id=invoice_id,
        errors=[SendError(code=450, description="Błąd weryfikacji semantyki dokumentu")],
        message="KSeF odrzucił fakturę: błąd semantyczny dokumentu.",
        retryable=retryable,
    )
    envelope = new_envelope("invoice.send.failed", 1, data, producer="ksef-gateway")
    await process_once(pool, "invoices", envelope, on_invoice_send_failed)


def offline_certificate() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Offline 5265877635")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int(uuid4().hex[:16], 16) | 1 << 60)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem.decode()
