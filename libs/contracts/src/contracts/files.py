"""Events produced by `files`."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from contracts.envelope import EventData
from contracts.registry import EventSpec, register


class FileUploaded(EventData):
    """A file was uploaded into a company's exchange with its office."""

    file_id: UUID
    company_id: UUID
    office_id: UUID | None = None
    side: str = Field(description="Who uploaded it: office | company.")
    name: str = Field(max_length=255)
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    content_type: str
    uploaded_by: UUID
    month: str | None = Field(
        default=None, description="Month folder the file is filed under (YYYY-MM)."
    )
    purpose: str = Field(
        default="exchange",
        description="exchange (the files tabs) | attachment (attached to a message thread).",
    )
    thread_id: UUID | None = Field(
        default=None, description="Message thread the file is attached to, if any."
    )


FILE_UPLOADED = register(EventSpec("file.uploaded", 1, FileUploaded, FileUploaded.__doc__ or ""))
