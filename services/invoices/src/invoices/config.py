from pathlib import Path

from pydantic import Field

from chassis.settings import ServiceSettings


class Settings(ServiceSettings):
    """invoices settings."""

    # FA(3) files above this are stored as failed ("too_large") without being parsed.
    max_invoice_xml_bytes: int = Field(default=5_000_000, ge=10_000)
    # Base of QR code I / II verification links (qr-test, qr-demo or qr for production).
    ksef_qr_base_url: str = "https://qr-test.ksef.mf.gov.pl"
    # A TTF font with Polish glyphs for PDFs (Debian: fonts-dejavu-core).
    pdf_font_file: Path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf_bold_font_file: Path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
