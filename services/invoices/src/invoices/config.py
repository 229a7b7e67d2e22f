from pathlib import Path

from pydantic import Field, SecretStr

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
    # MinIO, where the gateway puts the XML of invoices too large to travel inline (claim
    # check, `xml_ref`). Without it such invoices are stored as failed ("xml_unavailable").
    minio_endpoint: str | None = None
    minio_access_key: str | None = None
    minio_secret_key: SecretStr | None = None
    minio_region: str = "us-east-1"
    # Processes parsing fetched invoices (0: a thread of the worker). Parsing is CPU-bound
    # and holds the GIL, so more throughput needs processes.
    intake_processes: int = Field(default=2, ge=0, le=64)
    # invoice.fetched events per poll, applied in one transaction.
    intake_batch_size: int = Field(default=200, ge=1, le=2000)
    # Encrypts companies' KSeF Offline private keys at rest (AES-256-GCM, key = SHA-256 of
    # this secret). Unset: the keys are stored unencrypted in the service's own database.
    offline_key_secret: SecretStr | None = None
