"""Batch sessions (/sessions/batch) and their pre-signed part uploads (/storage/batch)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from . import batch, sessions
from .api_sessions import WRITE, EncryptionInfo, FormCode
from .errors import Forbidden, Unauthorized
from .security import Principal, access
from .simulator import Simulator, get_sim

router = APIRouter(prefix="/sessions", tags=["Wysyłka wsadowa"])
storage = APIRouter(prefix="/storage", tags=["Pre-signed uploads"])
Sim = Annotated[Simulator, Depends(get_sim)]
Writer = Annotated[Principal, Depends(access("batchSession", *WRITE))]
HASH = Field(min_length=44, max_length=44)


class BatchFilePartInfo(BaseModel):
    ordinalNumber: int = Field(ge=1)
    fileSize: int = Field(ge=1)
    fileHash: str = HASH


class BatchFileInfo(BaseModel):
    fileSize: int = Field(ge=1, le=5_000_000_000)
    fileHash: str = HASH
    compressionType: Literal["Zip", "TarGz"] | None = None
    # The 50-part cap is checked in `batch` so that it answers 21161 as KSeF does.
    fileParts: list[BatchFilePartInfo] = Field(min_length=1)


class OpenBatchSessionRequest(BaseModel):
    formCode: FormCode
    batchFile: BatchFileInfo
    encryption: EncryptionInfo
    offlineMode: bool = False


@router.post("/batch", status_code=201)
async def open_batch(
    body: OpenBatchSessionRequest, request: Request, sim: Sim, caller: Writer
) -> dict[str, object]:
    """Open a batch session; every declared part gets a pre-signed upload URL."""
    session = await batch.open_batch(sim, caller, body.model_dump())
    assert session.batch is not None
    uploads = []
    for ordinal in sorted(session.batch.declared):
        claims = {"session": session.reference_number, "part": ordinal}
        sig, _ = sim.tokens.issue_until("BatchPartLink", claims, session.batch.upload_deadline)
        url = f"{request.base_url}storage/batch/{session.reference_number}/{ordinal}?sig={sig}"
        headers = {"x-ms-blob-type": "BlockBlob"}
        uploads.append({"ordinalNumber": ordinal, "method": "PUT", "url": url, "headers": headers})
    return {"referenceNumber": session.reference_number, "partUploadRequests": uploads}


@router.post("/batch/{referenceNumber}/close", status_code=204)
async def close_batch(referenceNumber: str, sim: Sim, caller: Writer) -> Response:
    """Close the session: the package is decrypted, unpacked and every invoice processed."""
    session = await sessions.own_session(sim, caller, referenceNumber)
    if session.kind != "Batch":
        raise batch.upload_error(f"Sesja {referenceNumber} nie jest sesją wsadową.")
    await batch.close_batch(sim, session)
    return Response(status_code=204)


@storage.put("/batch/{referenceNumber}/{ordinal}", status_code=201)
async def upload_part(
    referenceNumber: str, ordinal: int, sig: str, request: Request, sim: Sim
) -> Response:
    """Pre-signed part upload: no token and no rate limit; the URL signature is the credential."""
    try:
        claims = sim.tokens.decode(sig, "BatchPartLink")
    except Unauthorized as exc:
        # Like the blob storage behind KSeF: an expired write URL is refused with 403.
        raise Forbidden("upload-expired", "Upłynął czas na przesłanie części paczki.") from exc
    if claims["session"] != referenceNumber or claims["part"] != ordinal:
        raise Forbidden("invalid-signature", "Podpis adresu nie pasuje do części paczki.")
    session = await sim.store.get_session(referenceNumber)
    if session is None or session.status.code != 100:
        raise Forbidden("session-closed", "Sesja nie przyjmuje już części paczki.")
    await batch.store_part(sim, session, ordinal, await request.body())
    return Response(status_code=201)
