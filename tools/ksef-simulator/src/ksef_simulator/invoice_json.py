"""InvoiceMetadata JSON (shared by the metadata query and export `_metadata.json`)."""

from typing import Any

from .clock import iso
from .domain import Invoice


def invoice_metadata(inv: Invoice) -> dict[str, Any]:
    body: dict[str, Any] = {
        "ksefNumber": inv.ksef_number,
        "invoiceNumber": inv.invoice_number,
        "issueDate": inv.issue_date.isoformat(),
        "invoicingDate": iso(inv.invoicing_date),
        "acquisitionDate": iso(inv.acquisition_date),
        "permanentStorageDate": iso(inv.permanent_storage_date),
        "seller": {"nip": inv.seller_nip, "name": inv.seller_name},
        "buyer": {"identifier": inv.buyer.to_json(), "name": inv.buyer_name},
        "netAmount": inv.net_amount,
        "grossAmount": inv.gross_amount,
        "vatAmount": inv.vat_amount,
        "currency": inv.currency,
        "invoicingMode": inv.invoicing_mode,
        "invoiceType": inv.invoice_type,
        "formCode": inv.form_code,
        "isSelfInvoicing": inv.is_self_invoicing,
        "hasAttachment": inv.has_attachment,
        "invoiceHash": inv.invoice_hash,
    }
    if inv.buyer.type == "None":
        body["buyer"]["identifier"] = {"type": "None"}
    if inv.hash_of_corrected_invoice:
        body["hashOfCorrectedInvoice"] = inv.hash_of_corrected_invoice
    if inv.third_subjects:
        body["thirdSubjects"] = inv.third_subjects
    if inv.authorized_subject:
        body["authorizedSubject"] = inv.authorized_subject
    return body
