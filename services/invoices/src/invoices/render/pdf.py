"""PDF visualisation with fpdf2 (pure Python) and a TTF font with Polish glyphs (DejaVu)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import segno
from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF

from invoices.render.view import (
    APPROVALS,
    BOOKINGS,
    DIRECTIONS,
    View,
    party_lines,
    pl_date,
    pl_money,
)

FONT = "DejaVu"


class FontMissing(RuntimeError):
    """The configured TTF is not installed (Debian: fonts-dejavu-core)."""


# What invoices print: Latin (Polish and the rest of Europe), Greek, Cyrillic, punctuation,
# currency and letter-like symbols, arrows, box drawing.
PRINTED = [
    *range(0x20, 0x250), *range(0x370, 0x530), *range(0x2000, 0x2070), *range(0x20A0, 0x20C1),
    *range(0x2100, 0x2150), *range(0x2190, 0x2200),
]  # fmt: skip


@lru_cache(maxsize=8)
def printable_font(font: Path, mtime: float) -> Path:
    """The font cut down to the glyphs invoices print, written once per process.

    fpdf2 reads the whole TTF for every document and subsets it again when writing; DejaVu
    has 6,000 glyphs, so that was most of a one-page PDF's time. A font of ~1,500 glyphs
    loads and subsets several times faster; any other character prints as the missing-glyph
    box, as with a font lacking it."""
    key = hashlib.sha256(f"{font}:{mtime}:{PRINTED}".encode()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"invoices-pdf-{key}-{font.name}"
    if not target.is_file():
        options = subset.Options()
        options.notdef_outline = True
        options.name_IDs = ["*"]
        options.layout_features = []
        ttf = TTFont(font)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=PRINTED)
        subsetter.subset(ttf)
        # several workers may get here at once: each writes its own file, then renames
        partial = target.with_name(f"{target.name}.{os.getpid()}")
        ttf.save(partial)
        partial.replace(target)
    return target


def _pdf(regular: Path, bold: Path) -> FPDF:
    if not regular.is_file() or not bold.is_file():
        raise FontMissing(f"PDF font {regular} or {bold} is missing")
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font(FONT, "", str(printable_font(regular, regular.stat().st_mtime)))
    pdf.add_font(FONT, "B", str(printable_font(bold, bold.stat().st_mtime)))
    pdf.set_font(FONT, size=9)
    return pdf


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT", border="B")
    pdf.set_font(FONT, "", 8)


def _header(pdf: FPDF, v: View) -> None:
    inv, row = v.invoice, v.row
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, f"{v.title} nr {inv.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.cell(
        0, 5, f"Numer KSeF: {row.get('ksef_number') or 'OFFLINE'}", new_x="LMARGIN", new_y="NEXT"
    )
    dates = f"Data wystawienia: {pl_date(inv.issue_date)}"
    if inv.issue_place:
        dates += f", {inv.issue_place}"
    dates += f" · Data sprzedaży: {pl_date(inv.effective_sale_date)}"
    dates += f" · Przyjęta w KSeF: {pl_date(row.get('ksef_date'))}"
    pdf.multi_cell(0, 5, dates, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0,
        5,
        f"Rodzaj: {DIRECTIONS.get(row.get('direction', ''), '')}",
        new_x="LMARGIN",
        new_y="NEXT",
    )


def _parties(pdf: FPDF, v: View) -> None:
    inv = v.invoice
    _heading(pdf, "Sprzedawca / Nabywca")
    with pdf.table(col_widths=(1, 1), first_row_as_headings=False, borders_layout="NONE") as table:
        row = table.row()
        row.cell("\n".join(party_lines(inv.seller)))
        row.cell("\n".join(party_lines(inv.buyer)))
    for party in inv.third_parties + ([inv.authorised] if inv.authorised else []):
        _heading(pdf, f"Podmiot trzeci: {party.third_role_label or party.third_role or ''}")
        pdf.multi_cell(0, 4, "\n".join(party_lines(party)), new_x="LMARGIN", new_y="NEXT")
    if inv.corrected:
        _heading(pdf, "Korekta")
        text = [f"Przyczyna: {inv.correction_reason or '—'}"]
        text += [
            f"Faktura korygowana: {c.number or ''} z {pl_date(c.issue_date)}"
            f" KSeF {c.ksef_number or '—'}"
            for c in inv.corrected
        ]
        pdf.multi_cell(0, 4, "\n".join(text), new_x="LMARGIN", new_y="NEXT")


def _grid(pdf: FPDF, widths: tuple[float, ...], rows: list[list[str]], wrap: int) -> None:
    """A bordered table, first row bold on grey; only column `wrap` breaks lines.

    Drawn with plain cells: fpdf2's table() line-breaks every cell and was the slowest part
    of a page. Numbers are right-aligned, the wrapped (name) column left-aligned."""
    scale = (pdf.w - pdf.l_margin - pdf.r_margin) / sum(widths)
    cols = [w * scale for w in widths]
    for n, row in enumerate(rows):
        pdf.set_font(FONT, "B" if n == 0 else "", 8)
        lines = pdf.multi_cell(cols[wrap] - 2, 4, row[wrap], dry_run=True, output="LINES")
        text: list[str] = lines if isinstance(lines, list) else [row[wrap]]
        height = 4 * max(1, len(text)) + 1
        if pdf.will_page_break(height):
            pdf.add_page()
        x, y = pdf.l_margin, pdf.get_y()
        for col, (width, value) in enumerate(zip(cols, row, strict=True)):
            pdf.set_xy(x, y)
            if n == 0:
                pdf.set_fill_color(235, 235, 235)
            pdf.rect(x, y, width, height, style="DF" if n == 0 else "D")
            if col == wrap:
                pdf.set_xy(x + 1, y + 0.5)
                pdf.multi_cell(width - 2, 4, "\n".join(text), align="L")
            else:
                pdf.set_xy(x, y + 0.5)
                pdf.cell(width - 1, 4, value, align="R")
            x += width
        pdf.set_xy(pdf.l_margin, y + height)


def _lines(pdf: FPDF, v: View) -> None:
    _heading(pdf, "Pozycje")
    rows = [["Lp.", "Nazwa", "J.m.", "Ilość", "Cena netto", "Stawka", "Netto", "Brutto"]]
    rows += [
        [
            str(line.no),
            line.name + (" (przed korektą)" if line.before_correction else ""),
            line.unit or "",
            str(line.quantity or ""),
            pl_money(line.unit_net or line.unit_gross),
            line.rate or "",
            pl_money(line.net),
            pl_money(line.gross),
        ]
        for line in v.invoice.lines
    ]
    _grid(pdf, (8, 62, 12, 14, 20, 14, 20, 22), rows, wrap=1)
    pdf.set_font(FONT, "", 8)


def _totals(pdf: FPDF, v: View) -> None:
    inv = v.invoice
    _heading(pdf, f"Podsumowanie według stawek VAT ({inv.currency})")
    with pdf.table(col_widths=(50, 25, 25, 25), text_align="RIGHT") as table:
        table.row(["Stawka", "Netto", "VAT", "VAT w PLN"])
        for r in inv.rates:
            table.row([r.label, pl_money(r.net), pl_money(r.vat), pl_money(r.vat_pln)])
        table.row(["Razem", pl_money(inv.net), pl_money(inv.vat), ""])
    pdf.set_font(FONT, "B", 11)
    pdf.cell(
        0, 8, f"Do zapłaty: {pl_money(inv.gross)} {inv.currency}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(FONT, "", 8)
    notes = [
        label
        for flag, label in (
            (inv.split_payment, "Mechanizm podzielonej płatności"),
            (inv.self_billing, "Samofakturowanie"),
            (inv.reverse_charge, "Odwrotne obciążenie"),
            (inv.cash_accounting, "Metoda kasowa"),
            (inv.margin, "Procedura marży"),
        )
        if flag
    ]
    if inv.payment:
        p = inv.payment
        notes.append(
            f"Forma płatności: {p.form_label or '—'}"
            + (f", zapłacono {pl_date(p.paid_date)}" if p.paid else "")
        )
        notes += [f"Termin płatności: {pl_date(d.on)} {d.description or ''}" for d in p.due]
        notes += [f"Rachunek: {a.number} {a.bank_name or ''}" for a in p.accounts]
    notes += inv.footer
    row = v.row
    notes.append(
        f"Kategoria: {row.get('category_name') or '—'}"
        f" · Akceptacja: {APPROVALS.get(row.get('approval', ''), '')}"
        f" · Księgowanie: {BOOKINGS.get(row.get('booking', ''), '')}"
    )
    if notes:
        pdf.multi_cell(0, 4, "\n".join(notes), new_x="LMARGIN", new_y="NEXT")


def _qr_codes(pdf: FPDF, v: View) -> None:
    _heading(pdf, "Kody weryfikacyjne KSeF")
    codes = [(v.qr1_link, v.qr1_caption)] + ([(v.qr2_link, "CERTYFIKAT")] if v.qr2_link else [])
    if pdf.get_y() > 230:
        pdf.add_page()
    top, x = pdf.get_y() + 1, pdf.l_margin
    for link, caption in codes:
        _qr(pdf, link, x, top, 32)
        pdf.set_xy(x - 10, top + 33)
        pdf.cell(52, 4, caption, align="C")
        x += 60
    pdf.set_xy(pdf.l_margin, top + 39)
    pdf.set_font(FONT, "", 6)
    pdf.multi_cell(0, 3, v.qr1_link, new_x="LMARGIN", new_y="NEXT")


def _qr(pdf: FPDF, link: str, x: float, y: float, size: float) -> None:
    """The QR code drawn as filled rectangles (one per run of dark modules in a row): vector,
    sharp at any zoom, and far cheaper than encoding and embedding a PNG."""
    # A fixed mask: any of the eight is valid, and scoring all of them to pick one costs
    # more than drawing the code.
    matrix = segno.make(link, error="m", micro=False, mask=0).matrix
    module = size / (len(matrix) + 4)  # a quiet zone of two modules, as the PNG had
    pdf.set_fill_color(0, 0, 0)
    for row_no, row in enumerate(matrix):
        top = y + (row_no + 2) * module
        start = None
        for col, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                pdf.rect(x + (start + 2) * module, top, (col - start) * module, module, style="F")
                start = None


def _all_fields(pdf: FPDF, v: View) -> None:
    _heading(pdf, "Wszystkie pola faktury")
    pdf.set_font(FONT, "", 6.5)
    right = pdf.w - pdf.r_margin
    for f in v.invoice.fields:
        x = pdf.l_margin + min(f.depth, 6) * 3
        pdf.set_x(x)
        text = f"{f.label}: {f.value}" if f.value else f"[{f.label}]"
        # Line breaking is fpdf2's slow path; most fields fit on one line.
        if len(text) < 60 or pdf.get_string_width(text) < right - x:
            pdf.cell(0, 3, text, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(0, 3, text, new_x="LMARGIN", new_y="NEXT")


def _stamp(pdf: FPDF, v: View) -> None:
    if v.stamp is None:
        return
    s = v.stamp
    lines = ["ZAKSIĘGOWANO", s.booked_at, f"przez: {s.booked_by[:36]}", f"dekret: {s.decree}"]
    if s.description:
        lines.append(s.description[:60])
    with pdf.rotation(8, x=160, y=30):
        pdf.set_draw_color(198, 40, 40)
        pdf.set_text_color(198, 40, 40)
        pdf.set_line_width(0.8)
        pdf.set_font(FONT, "B", 8)
        pdf.set_xy(130, 14)
        pdf.multi_cell(65, 4.5, "\n".join(lines), border=1, align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)


def render_pdf(views: list[View], regular: Path, bold: Path) -> bytes:
    """One PDF with each invoice from a new page; fonts load once per document, which is
    most of the cost, so printing a list of hundreds is one call."""
    pdf = _pdf(regular, bold)
    for view in views:
        pdf.add_page()
        first_page = pdf.page
        _header(pdf, view)
        _parties(pdf, view)
        _lines(pdf, view)
        _totals(pdf, view)
        _qr_codes(pdf, view)
        _all_fields(pdf, view)
        last_page = pdf.page
        pdf.page = first_page
        _stamp(pdf, view)
        pdf.page = last_page
    return bytes(pdf.output())
