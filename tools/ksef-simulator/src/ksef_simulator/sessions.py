"""Online session use cases: open, send (decrypt, verify, validate, number), close."""

import base64
import binascii
import hashlib
import random
from datetime import timedelta

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from lxml import etree  # type: ignore[import-untyped]

from . import fa3, xmlutil
from .domain import Invoice, OnlineSession, SessionInvoice, Status
from .errors import KsefError
from .ids import reference_number
from .invoices import make_invoice
from .keys import SYMMETRIC_USAGE
from .security import Principal
from .simulator import Simulator
from .upo import render_upo

SESSION_TTL = timedelta(hours=12)
SUPPORTED_FORMS = {("FA (3)", "1-0E", "FA"), ("FA (2)", "1-0E", "FA")}
_rng = random.SystemRandom()


def open_status() -> Status:
    return Status(100, "Sesja interaktywna otwarta")


async def open_session(
    sim: Simulator, caller: Principal, form: dict[str, str], encryption: dict[str, str | None]
) -> OnlineSession:
    if (form["systemCode"], form["schemaVersion"], form["value"]) not in SUPPORTED_FORMS:
        raise KsefError(
            21405,
            "Błąd walidacji danych wejściowych.",
            "Wskazany kod formularza nie jest wspierany.",
        )
    now = sim.clock.now()
    status, key = open_status(), b""
    try:
        wrapped = base64.b64decode(encryption["encryptedSymmetricKey"] or "", validate=True)
        key = sim.keys.decrypt(wrapped, SYMMETRIC_USAGE, encryption.get("publicKeyId"))
        iv = base64.b64decode(encryption["initializationVector"] or "", validate=True)
    except (ValueError, binascii.Error):
        status, iv = Status(415, "Błąd odszyfrowania dostarczonego klucza"), b""
    session = OnlineSession(
        reference_number("SO", now), caller.context, caller.auth_ref, form, key, iv,
        now, now, now + SESSION_TTL, status, subject=caller.subject,
    )  # fmt: skip
    await sim.store.save_session(session)
    return session


async def own_session(sim: Simulator, caller: Principal, ref: str) -> OnlineSession:
    session = await sim.store.get_session(ref)
    if session is None or session.context != caller.context:
        raise KsefError(
            21173,
            "Brak sesji o wskazanym numerze referencyjnym.",
            f"Sesja o numerze referencyjnym {ref} nie została odnaleziona.",
        )
    await settle(sim, session)
    return session


async def settle(sim: Simulator, session: OnlineSession) -> None:
    """Process a closed batch package once its processing time passed on the simulated clock:
    state is brought up to date when it is looked at, so `clock.advance` drives it too."""
    upload = session.batch
    if upload is None or session.status.code != 150 or upload.process_at is None:
        return
    if sim.clock.now() >= upload.process_at:
        from .batch import process  # batch builds on this module's invoice pipeline

        await process(sim, session)


def decrypt(session: OnlineSession, data: bytes) -> bytes:
    decryptor = Cipher(algorithms.AES(session.key), modes.CBC(session.iv)).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()


def _b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def check_sizes(body: dict[str, object], encrypted: bytes) -> None:
    if len(encrypted) != body["encryptedInvoiceSize"]:
        raise KsefError(
            21402,
            "Nieprawidłowy rozmiar pliku.",
            "Długość treści nie zgadza się z rozmiarem pliku.",
        )
    if _b64(encrypted) != body["encryptedInvoiceHash"]:
        raise KsefError(
            21403, "Nieprawidłowy skrót pliku.", "Skrót treści nie zgadza się ze skrótem pliku."
        )


def _verify(sim: Simulator, session: OnlineSession, xml: bytes) -> fa3.InvoiceFacts | Status:
    """File checks of notes §5; returns the facts or the failing invoice status."""
    if xml.startswith(b"\xef\xbb\xbf"):
        return Status(430, "Błąd weryfikacji pliku faktury", ["Niedozwolony znacznik BOM."])
    limits = sim.testdata.session_limits(session.context.value, session.kind)
    if len(xml) > (limits.max_bytes_with_attachment if b"<Zalacznik" in xml else limits.max_bytes):
        return Status(430, "Błąd weryfikacji pliku faktury", ["Przekroczony rozmiar pliku."])
    try:
        root = xmlutil.parse(xml)
    except etree.XMLSyntaxError as exc:
        return Status(430, "Błąd weryfikacji pliku faktury", [str(exc)])
    errors = xmlutil.schema_errors(xmlutil.fa3_schema(), root)
    if errors:
        return Status(430, "Błąd weryfikacji pliku faktury", errors)
    facts = fa3.read_facts(root)
    # Attachments: batch only, and only once enabled for the context (TEST: /testdata/attachment).
    allowed = session.kind == "Batch" and sim.testdata.attachments_allowed(session.context.value)
    if facts.has_attachment and not allowed:
        return Status(415, "Brak możliwości wysyłania faktury z załącznikiem")
    if facts.seller_nip != session.context.value and not facts.is_self_invoicing:
        return Status(410, "Nieprawidłowy zakres uprawnień")
    if facts.issue_date > sim.clock.now().date():
        return Status(
            450,
            "Błąd weryfikacji semantyki dokumentu faktury",
            ["Data wystawienia faktury (P_1) jest późniejsza niż data przyjęcia."],
        )
    return facts


async def send_invoice(
    sim: Simulator, session: OnlineSession, body: dict[str, object]
) -> SessionInvoice:
    if session.status.code != 100:
        raise KsefError(
            21180,
            "Status sesji nie pozwala na wykonanie operacji.",
            f"Status sesji {session.status.code} uniemożliwia wysyłkę faktur.",
        )
    if (
        len(session.invoices)
        >= sim.testdata.session_limits(session.context.value, "Online").max_invoices
    ):
        raise KsefError(21155, "Przekroczono dozwoloną liczbę faktur w sesji.")
    encrypted = base64.b64decode(str(body["encryptedInvoiceContent"]))
    check_sizes(body, encrypted)
    now = sim.clock.now()
    item = SessionInvoice(
        reference_number("EE", now), len(session.invoices) + 1, str(body["invoiceHash"]), now,
        Status(100, "Faktura przyjęta do dalszego przetwarzania"),
    )  # fmt: skip
    session.invoices.append(item)
    try:
        xml = decrypt(session, encrypted)
    except ValueError:
        item.status = Status(435, "Błąd odszyfrowania pliku")
        return item
    if len(xml) != body["invoiceSize"] or _b64(xml) != body["invoiceHash"]:
        raise KsefError(
            21403, "Nieprawidłowy skrót pliku.", "Skrót treści nie zgadza się ze skrótem pliku."
        )
    await accept_document(sim, session, item, xml, bool(body.get("offlineMode")))
    await sim.store.save_session(session)
    return item


async def accept_document(
    sim: Simulator, session: OnlineSession, item: SessionInvoice, xml: bytes, offline: bool
) -> None:
    verdict = _verify(sim, session, xml)
    if isinstance(verdict, Status):
        item.status = verdict
        return
    item.invoice_number = verdict.invoice_number
    duplicate = await sim.store.find_duplicate(
        verdict.seller_nip, verdict.invoice_type, verdict.invoice_number
    )
    if duplicate is not None:
        item.status = Status(440, "Duplikat faktury", extensions={
            "originalSessionReferenceNumber": duplicate.session_ref,
            "originalKsefNumber": duplicate.ksef_number,
        })  # fmt: skip
        return
    # Auto-offline: an issue day earlier than the day of receipt marks the invoice Offline.
    late = verdict.issue_date < item.invoicing_date.date()
    mode = "Offline" if offline or late else "Online"
    invoice = make_invoice(verdict, xml, item.invoicing_date, _rng, mode)
    invoice.session_ref, invoice.invoice_ref = session.reference_number, item.reference_number
    await sim.store.add_invoice(invoice)
    auth = await sim.store.get_auth(session.auth_reference)
    assert auth is not None
    item.upo_xml = render_upo(sim.settings.environment, session.reference_number, auth, [invoice])
    item.ksef_number, item.invoicing_mode = invoice.ksef_number, mode
    item.acquisition_date = invoice.acquisition_date
    item.permanent_storage_date = invoice.permanent_storage_date
    item.status = Status(200, "Sukces")


async def close_session(sim: Simulator, session: OnlineSession) -> None:
    if session.status.code != 100:
        raise KsefError(
            21180,
            "Status sesji nie pozwala na wykonanie operacji.",
            f"Status sesji {session.status.code} uniemożliwia jej zamknięcie.",
        )
    session.updated = session.closed = sim.clock.now()
    await finish_session(sim, session)


async def finish_session(sim: Simulator, session: OnlineSession) -> None:
    """Decide the final status from the invoices and build the collective UPO."""
    accepted = [i for i in session.invoices if i.status.code == 200]
    if not session.invoices:
        session.status = Status(440, "Sesja anulowana", ["Nie przesłano faktur"])
    elif not accepted:
        session.status = Status(445, "Błąd weryfikacji, brak poprawnych faktur")
    else:
        invoices = [await sim.store.get_invoice(i.ksef_number or "") for i in accepted]
        auth = await sim.store.get_auth(session.auth_reference)
        assert auth is not None
        stored: list[Invoice] = [i for i in invoices if i is not None]
        session.upo_xml = render_upo(
            sim.settings.environment, session.reference_number, auth, stored
        )
        session.upo_reference = reference_number("UP", session.updated)
        kind = "wsadowa" if session.kind == "Batch" else "interaktywna"
        session.status = Status(200, f"Sesja {kind} przetworzona pomyślnie")
    await sim.store.save_session(session)
