from pydantic import Field, SecretStr  # noqa: F401

from chassis.settings import ServiceSettings


class Settings(ServiceSettings):
    """invoices settings."""

    max_invoice_xml_bytes: int = 5_000_000
