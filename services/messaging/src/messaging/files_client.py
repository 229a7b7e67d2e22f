"""Checking message attachments with the files service, over HTTP with the caller's token.

Messaging stores only a file's id and name; before a message with attachments is written, the
files API must confirm each file exists, belongs to the thread's company, is ready and is not
deleted (`POST /companies/{id}/files/lookup` leaves out every id that fails any of that). The
caller's own token is forwarded, so files applies its tenancy to the caller as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any
from uuid import UUID

import httpx
from fastapi import Depends, Request

from chassis.logs import get_logger
from messaging.config import Settings
from messaging.domain import Attachment, AttachmentNotFound, AttachmentRefused, FilesUnavailable

log = get_logger(__name__)


class FilesClient:
    """One short-lived HTTP client per check: a check is rare next to reading threads."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._transport = transport

    async def found(
        self, company_id: UUID, file_ids: Sequence[UUID], authorization: str
    ) -> set[UUID]:
        """Those of `file_ids` the files service confirms for the company and the caller."""
        try:
            async with httpx.AsyncClient(
                base_url=self._base_url, timeout=self._timeout, transport=self._transport
            ) as client:
                response = await client.post(
                    f"/companies/{company_id}/files/lookup",
                    json={"ids": [str(i) for i in file_ids]},
                    headers={"Authorization": authorization},
                )
        except httpx.HTTPError as error:
            log.warning("files service unreachable", error=f"{type(error).__name__}: {error}")
            raise FilesUnavailable() from error
        if response.status_code == 200:
            return _ids(response)
        if response.status_code == 404:
            return set()  # the company is not the caller's in files either: nothing of it is
        if 400 <= response.status_code < 500:
            raise AttachmentRefused(details={"files_error": _error_code(response)})
        log.warning("files service failed", status=response.status_code)
        raise FilesUnavailable()

    async def verify(
        self, company_id: UUID, attachments: Sequence[Attachment], authorization: str
    ) -> None:
        """Raise 422 attachment_not_found naming every attachment files does not confirm."""
        if not attachments:
            return
        wanted = list(dict.fromkeys(a.file_id for a in attachments))
        confirmed = await self.found(company_id, wanted, authorization)
        missing = [i for i in wanted if i not in confirmed]
        if missing:
            raise AttachmentNotFound(details={"file_ids": [str(i) for i in missing]})


def _ids(response: httpx.Response) -> set[UUID]:
    try:
        body: Any = response.json()
        return {UUID(str(item["id"])) for item in body}
    except (ValueError, KeyError, TypeError) as error:
        log.warning("files service answered nonsense", error=str(error)[:200])
        raise FilesUnavailable() from error


def _error_code(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return f"http_{response.status_code}"


class AttachmentCheck:
    """The files check bound to one caller's token, as the use cases need it."""

    def __init__(self, client: FilesClient, authorization: str) -> None:
        self._client = client
        self._authorization = authorization

    async def __call__(self, company_id: UUID, attachments: Sequence[Attachment]) -> None:
        await self._client.verify(company_id, attachments, self._authorization)


def get_attachment_check(request: Request) -> AttachmentCheck:
    """The files check with the caller's own token (tests put their client on app.state)."""
    client: FilesClient | None = getattr(request.app.state, "files_client", None)
    if client is None:
        settings: Settings = request.app.state.settings
        client = FilesClient(settings.files_url, timeout=settings.files_timeout_seconds)
        request.app.state.files_client = client
    return AttachmentCheck(client, request.headers.get("authorization", ""))


Attachments = Annotated[AttachmentCheck, Depends(get_attachment_check)]
