"""KSeF online sessions (KSEF-NOTES §5): open, send, status, UPO, close; through the governor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ksef_gateway.crypto import ExportKey, aes_encrypt, b64, sha256_b64
from ksef_gateway.ksef_client import KsefClient

FA3_FORM = {"systemCode": "FA (3)", "schemaVersion": "1-0E", "value": "FA"}


async def open_session(ksef: KsefClient, nip: str, token: str) -> tuple[str, datetime, ExportKey]:
    """A new online session with a fresh AES-256 key (one key per session, as MF recommends)."""
    key = ExportKey.new(await ksef.public_key("SymmetricKeyEncryption"))
    resp = await ksef.call(
        "POST",
        "/sessions/online",
        context=nip,
        group="onlineSession",
        token=token,
        json={"formCode": FA3_FORM, "encryption": key.encryption},
    )
    body = resp.json()
    return body["referenceNumber"], datetime.fromisoformat(body["validUntil"]), key


async def send_invoice(
    ksef: KsefClient,
    nip: str,
    token: str,
    session: str,
    key: bytes,
    iv: bytes,
    xml: bytes,
    *,
    offline: bool,
) -> str:
    """Encrypt and post one invoice; returns KSeF's reference of it in the session."""
    encrypted = aes_encrypt(key, iv, xml)
    body: dict[str, Any] = {
        "invoiceHash": sha256_b64(xml),
        "invoiceSize": len(xml),
        "encryptedInvoiceHash": sha256_b64(encrypted),
        "encryptedInvoiceSize": len(encrypted),
        "encryptedInvoiceContent": b64(encrypted),
        "offlineMode": offline,
    }
    resp = await ksef.call(
        "POST",
        f"/sessions/online/{session}/invoices",
        context=nip,
        group="invoiceSend",
        token=token,
        json=body,
    )
    return str(resp.json()["referenceNumber"])


async def invoice_status(
    ksef: KsefClient, nip: str, token: str, session: str, invoice_ref: str
) -> dict[str, Any]:
    resp = await ksef.call(
        "GET",
        f"/sessions/{session}/invoices/{invoice_ref}",
        context=nip,
        group="invoiceStatus",
        token=token,
    )
    return dict(resp.json())


async def upo(ksef: KsefClient, nip: str, token: str, session: str, invoice: str) -> str:
    """The UPO of one accepted invoice, by its reference or (`ksef/<number>`) KSeF number."""
    resp = await ksef.call(
        "GET",
        f"/sessions/{session}/invoices/{invoice}/upo",
        context=nip,
        group="sessionMisc",
        token=token,
    )
    return resp.content.decode("utf-8")


async def find_by_hash(
    ksef: KsefClient, nip: str, token: str, session: str, invoice_hash: str
) -> str | None:
    """The reference of an invoice with this hash in the session (after a crash mid-send)."""
    continuation: str | None = None
    for _ in range(100):
        headers = {"x-continuation-token": continuation} if continuation else {}
        resp = await ksef.call(
            "GET",
            f"/sessions/{session}/invoices",
            context=nip,
            group="sessionInvoiceList",
            token=token,
            params={"pageSize": 1000},
            headers=headers,
        )
        body = resp.json()
        for item in body.get("invoices") or []:
            if item.get("invoiceHash") == invoice_hash:
                return str(item["referenceNumber"])
        continuation = body.get("continuationToken")
        if not continuation:
            return None
    return None


async def close_session(ksef: KsefClient, nip: str, token: str, session: str) -> None:
    await ksef.call(
        "POST",
        f"/sessions/online/{session}/close",
        context=nip,
        group="onlineSession",
        token=token,
    )
