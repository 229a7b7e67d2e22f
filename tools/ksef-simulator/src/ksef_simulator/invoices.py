"""Turning accepted FA(3) documents into stored invoices with KSeF numbers and dates."""

import base64
import functools
import hashlib
import random
from datetime import datetime, timedelta

from .domain import Ident, Invoice, XmlSource
from .fa3 import InvoiceFacts
from .ids import ksef_number


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def make_invoice(
    facts: InvoiceFacts,
    xml: bytes | XmlSource,
    invoicing_date: datetime,
    rng: random.Random,
    mode: str = "Online",
) -> Invoice:
    """Acquisition follows invoicing by milliseconds; durable storage follows by seconds.

    Records become visible a little after their storage date, so a query up to "now" can
    later gain records in (HWM, now]: the reason clients must sync up to the HWM.
    """
    acquisition = invoicing_date + timedelta(milliseconds=rng.randint(50, 900))
    stored = acquisition + timedelta(seconds=rng.uniform(1.0, 5.0))
    visible = stored + timedelta(seconds=rng.uniform(0.0, 20.0))
    technical = f"{rng.getrandbits(48):012X}"
    buyer = _ident(facts.buyer_type, facts.buyer_value or "")
    return Invoice(
        ksef_number=ksef_number(facts.seller_nip, acquisition, technical),
        invoice_number=facts.invoice_number,
        invoice_type=facts.invoice_type,
        issue_date=facts.issue_date,
        invoicing_date=invoicing_date,
        acquisition_date=acquisition,
        permanent_storage_date=stored,
        visible_at=visible,
        seller_nip=facts.seller_nip,
        seller_name=facts.seller_name,
        buyer=buyer,
        buyer_name=facts.buyer_name,
        net_amount=facts.net,
        gross_amount=facts.gross,
        vat_amount=facts.vat,
        currency=facts.currency,
        invoicing_mode=mode,
        form_code=facts.form_code,
        is_self_invoicing=facts.is_self_invoicing,
        has_attachment=facts.has_attachment,
        content=xml,
        content_hash=sha256_b64(xml) if isinstance(xml, bytes) else None,
        third_subjects=facts.third_subjects,
        authorized_subject=facts.authorized_subject,
    )


@functools.lru_cache(maxsize=65_536)
def _ident(kind: str, value: str) -> Ident:
    """Buyers repeat across invoices; share one frozen identifier per buyer."""
    return Ident(kind, value)
