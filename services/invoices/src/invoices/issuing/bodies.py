"""Request bodies of the issuing API and how the OpenAPI document shows them.

The API validates these bodies itself (`forms.parse_form`, `forms.parse_body`) so that every
problem gets a Polish message; FastAPI would answer in English. FastAPI therefore takes them as
plain JSON, but each annotation names its model as the JSON schema *input type* of a validator
that passes the value on untouched: the document then carries the model's real schema (nested
models under `components/schemas`), while what is accepted and how it is checked stay the same.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Body
from pydantic import BaseModel, BeforeValidator, Field

from invoices.issuing.domain import Kind
from invoices.issuing.forms import InvoiceForm


class SendBody(BaseModel):
    mode: Literal["online", "offline24"] = Field(
        default="online", description="offline24: issue offline now, KSeF gets it later."
    )


class IssuingSettingsBody(BaseModel):
    office_may_issue: bool


class SeriesBody(BaseModel):
    kind: Kind = Kind.VAT
    name: str = Field(min_length=1, max_length=100)
    pattern: str = Field(
        min_length=4, max_length=100, pattern=r"\{n\}", examples=["FV/{n}/{mm}/{yyyy}"]
    )
    reset: Literal["yearly", "monthly", "never"] = "monthly"
    is_default: bool = True


class CertificateBody(BaseModel):
    certificate: str = Field(min_length=1, max_length=20000, description="PEM or Base64 DER.")
    private_key: str = Field(min_length=1, max_length=20000, description="PEM (PKCS#8 or PKCS#1).")
    password: str | None = Field(default=None, max_length=500)


def _raw(value: Any) -> Any:
    """Passes the body on untouched: `forms.parse_form` / `parse_body` validate it."""
    return value


# A JSON object, checked by `forms.parse_form`; documented as the `InvoiceForm` it must be.
FormBody = Annotated[
    dict[str, Any],
    BeforeValidator(_raw, json_schema_input_type=InvoiceForm),
    Body(description="The invoice form (validated with a Polish message per field)."),
]

# Small bodies are validated by `parse_body` (Polish messages); the schema is their model's.
SendIn = Annotated[Any, BeforeValidator(_raw, json_schema_input_type=SendBody), Body()]
SettingsIn = Annotated[
    Any, BeforeValidator(_raw, json_schema_input_type=IssuingSettingsBody), Body()
]
SeriesIn = Annotated[Any, BeforeValidator(_raw, json_schema_input_type=SeriesBody), Body()]
CertificateIn = Annotated[
    Any, BeforeValidator(_raw, json_schema_input_type=CertificateBody), Body()
]
