"""MinIO adapter (the only module importing the client): claim checks of large invoices.

An invoice bigger than the inline limit travels as `xml_ref = s3://<bucket>/<key>`, the key
being `ksef-gateway/invoices/<company_id>/<ksef_number>/<sha256 hex>.xml`. The object is
written before its outbox row; writing the same invoice again overwrites identical bytes, so
a crash in between leaves at most an unreferenced copy. The SDK is synchronous (urllib3), so
calls run in a worker thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from typing import Protocol
from urllib.parse import urlsplit
from uuid import UUID

from minio import Minio
from minio.error import S3Error

from ksef_gateway.config import Settings


class ObjectStore(Protocol):
    async def put_invoice(self, company_id: UUID, ksef_number: str, xml: bytes) -> str: ...


def invoice_key(company_id: UUID, ksef_number: str, xml: bytes) -> str:
    digest = hashlib.sha256(xml).hexdigest()
    return f"ksef-gateway/invoices/{company_id}/{ksef_number}/{digest}.xml"


class MinioStore:
    def __init__(self, settings: Settings) -> None:
        endpoint = urlsplit(settings.minio_endpoint)
        self.bucket = settings.ksef_bucket
        self._client = Minio(
            endpoint.netloc,
            access_key=settings.minio_access_key,
            secret_key=settings.minio_secret_key.get_secret_value(),
            secure=endpoint.scheme == "https",
            region=settings.minio_region,
        )
        self._bucket_ready = False

    async def _ensure_bucket(self) -> None:
        """Create the bucket once per process when missing (safe with several replicas)."""
        if self._bucket_ready:
            return
        if not await asyncio.to_thread(self._client.bucket_exists, self.bucket):
            try:
                await asyncio.to_thread(self._client.make_bucket, self.bucket)
            except S3Error as error:
                if error.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise
        self._bucket_ready = True

    async def put_invoice(self, company_id: UUID, ksef_number: str, xml: bytes) -> str:
        """Store the XML; returns its `s3://bucket/key` reference."""
        await self._ensure_bucket()
        key = invoice_key(company_id, ksef_number, xml)
        await asyncio.to_thread(
            self._client.put_object,
            self.bucket,
            key,
            io.BytesIO(xml),
            len(xml),
            content_type="application/xml",
        )
        return f"s3://{self.bucket}/{key}"

    async def get(self, ref: str) -> bytes:
        """The bytes behind an `s3://` reference (tests, tools)."""
        bucket, _, key = ref.removeprefix("s3://").partition("/")

        def read() -> bytes:
            resp = self._client.get_object(bucket, key)
            try:
                return resp.read()
            finally:
                resp.close()
                resp.release_conn()

        return await asyncio.to_thread(read)
