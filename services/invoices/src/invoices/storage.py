"""MinIO adapter: reads the claim-checked XML of large invoices (`xml_ref` = s3://bucket/key).

The bucket is the gateway's; this service only reads. The SDK is synchronous (urllib3), so
each read runs in a worker thread. Two outcomes matter to intake: the object is gone for good
(`XmlMissing`: stored as a failed invoice with the reason) or MinIO cannot be reached
(`StorageUnavailable`, an `OSError`: a named transient error, so the consumer retries and
then leaves the event for redelivery).
"""

from __future__ import annotations

import asyncio
from typing import Protocol
from urllib.parse import urlsplit

from minio import Minio
from minio.error import S3Error
from urllib3.exceptions import HTTPError

from invoices.config import Settings

# S3 error codes that mean "this object will never be there"; anything else may pass.
MISSING = {"NoSuchKey", "NoSuchBucket", "NoSuchObject", "InvalidObjectName", "InvalidBucketName"}


class XmlMissing(Exception):
    """The claim-checked object does not exist (or the reference is not s3://bucket/key)."""


class StorageUnavailable(ConnectionError):
    """MinIO did not answer, or answered with an error that may pass."""


class XmlStore(Protocol):
    async def read(self, ref: str, max_bytes: int) -> bytes: ...


def split_ref(ref: str) -> tuple[str, str]:
    parts = urlsplit(ref)
    key = parts.path.lstrip("/")
    if parts.scheme != "s3" or not parts.netloc or not key:
        raise XmlMissing(f"not an s3://bucket/key reference: {ref[:200]}")
    return parts.netloc, key


class MinioXmlStore:
    def __init__(self, settings: Settings) -> None:
        if not settings.minio_endpoint or not settings.minio_access_key:
            raise ValueError("MINIO_ENDPOINT and MINIO_ACCESS_KEY are not set")
        endpoint = urlsplit(
            settings.minio_endpoint
            if "://" in settings.minio_endpoint
            else f"http://{settings.minio_endpoint}"
        )
        secret = settings.minio_secret_key.get_secret_value() if settings.minio_secret_key else ""
        self._client = Minio(
            endpoint.netloc,
            access_key=settings.minio_access_key,
            secret_key=secret,
            secure=endpoint.scheme == "https",
            region=settings.minio_region,
        )

    def _read(self, ref: str, max_bytes: int) -> bytes:
        bucket, key = split_ref(ref)
        try:
            response = self._client.get_object(bucket, key)
        except S3Error as error:
            if error.code in MISSING:
                raise XmlMissing(f"{error.code}: {ref}") from error
            raise StorageUnavailable(f"MinIO: {error.code}") from error
        except HTTPError as error:
            raise StorageUnavailable(f"MinIO unreachable: {error}") from error
        try:
            # One byte over the limit is enough for the parser to refuse it as too large.
            return bytes(response.read(max_bytes + 1))
        except HTTPError as error:
            raise StorageUnavailable(f"MinIO read failed: {error}") from error
        finally:
            response.close()
            response.release_conn()

    async def read(self, ref: str, max_bytes: int) -> bytes:
        return await asyncio.to_thread(self._read, ref, max_bytes)
