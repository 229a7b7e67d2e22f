"""MinIO adapter: the only module that talks to object storage.

The official SDK is synchronous (urllib3), so each call runs in a worker thread. An upload is
a stream: the SDK's multipart upload pulls one part (5 MiB) at a time from a reader whose
`read` waits on the event loop for the next chunks of the request body, so memory holds about
one part whatever the file's size. An exception from the body (too large, client gone, bad
form data) reaches the SDK through `read`, which aborts the multipart upload: nothing stays.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Protocol
from urllib.parse import quote, urlsplit, urlunsplit

from minio import Minio
from minio.error import S3Error

from files.config import Settings

PART_SIZE = 5 * 1024 * 1024  # S3's smallest multipart part
# The thread waits at most this long for the next piece of a stalled upload.
_READ_TIMEOUT_SECONDS = 300


class ObjectStore(Protocol):
    async def ensure_bucket(self) -> None: ...

    async def put(self, key: str, chunks: AsyncIterator[bytes], content_type: str) -> None: ...

    async def remove(self, key: str) -> None: ...

    def download_url(self, key: str, filename: str, content_type: str) -> str: ...


class _BodyReader:
    """A file-like `read(n)` for the SDK's thread, served from an async iterator on the loop."""

    def __init__(self, chunks: AsyncIterator[bytes], loop: asyncio.AbstractEventLoop) -> None:
        self._chunks = chunks
        self._loop = loop
        self._rest = b""
        self._done = False

    async def _collect(self, size: int) -> bytes:
        """Exactly `size` bytes (fewer at the end): only the last chunk is split, so the one
        join below is the only copy of a part."""
        parts, have = ([self._rest], len(self._rest)) if self._rest else ([], 0)
        self._rest = b""
        while have < size and not self._done:
            try:
                chunk = await anext(self._chunks)
            except StopAsyncIteration:
                self._done = True
                break
            if have + len(chunk) > size:
                chunk, self._rest = chunk[: size - have], chunk[size - have :]
            parts.append(chunk)
            have += len(chunk)
        return b"".join(parts)

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            raise ValueError("the upload is read in parts, never whole")
        future = asyncio.run_coroutine_threadsafe(self._collect(size), self._loop)
        return future.result(timeout=_READ_TIMEOUT_SECONDS)


def _content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback plus the exact UTF-8 name (Polish letters survive)."""
    fallback = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


class MinioStore:
    def __init__(self, settings: Settings) -> None:
        secret = settings.minio_secret_key.get_secret_value()
        inner = urlsplit(settings.minio_endpoint)
        public = urlsplit(settings.minio_public_url or settings.minio_endpoint)
        self._bucket = settings.files_bucket
        self._ttl = timedelta(seconds=settings.download_url_seconds)
        self._client = Minio(
            inner.netloc,
            access_key=settings.minio_access_key,
            secret_key=secret,
            secure=inner.scheme == "https",
            region=settings.minio_region,
        )
        # Signs URLs for the address browsers use; with the region given it never calls out.
        self._signer = Minio(
            public.netloc,
            access_key=settings.minio_access_key,
            secret_key=secret,
            secure=public.scheme == "https",
            region=settings.minio_region,
        )
        self._public_prefix = public.path.rstrip("/")
        # Uploads get threads of their own: each holds one for its whole duration, and the
        # default pool is shared with everything else (token key fetches among them). Its size
        # bounds concurrent uploads, and with them memory (about 15 MiB each).
        self._uploads = ThreadPoolExecutor(
            max_workers=settings.parallel_uploads, thread_name_prefix="files-upload"
        )

    def close(self) -> None:
        self._uploads.shutdown(wait=False, cancel_futures=True)

    async def ensure_bucket(self) -> None:
        """Create the bucket if missing (idempotent, safe with several replicas starting)."""
        if await asyncio.to_thread(self._client.bucket_exists, self._bucket):
            return
        try:
            await asyncio.to_thread(self._client.make_bucket, self._bucket)
        except S3Error as error:
            if error.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise

    async def put(self, key: str, chunks: AsyncIterator[bytes], content_type: str) -> None:
        loop = asyncio.get_running_loop()
        reader = _BodyReader(chunks, loop)
        await loop.run_in_executor(
            self._uploads,
            lambda: self._client.put_object(
                self._bucket,
                key,
                reader,  # type: ignore[arg-type]  # BinaryIO in the SDK's hints; it only reads
                length=-1,
                part_size=PART_SIZE,
                content_type=content_type,
                # One part in flight: parallel parts would each hold their 5 MiB.
                num_parallel_uploads=1,
            ),
        )

    async def remove(self, key: str) -> None:
        """Delete an object; a missing one is fine (S3 DELETE is idempotent)."""
        await asyncio.to_thread(self._client.remove_object, self._bucket, key)

    async def exists(self, key: str) -> bool:
        try:
            await asyncio.to_thread(self._client.stat_object, self._bucket, key)
        except S3Error as error:
            if error.code in ("NoSuchKey", "NoSuchObject"):
                return False
            raise
        return True

    def download_url(self, key: str, filename: str, content_type: str) -> str:
        """A short-lived GET URL that makes the browser save the file under its name."""
        url = self._signer.presigned_get_object(
            self._bucket,
            key,
            expires=self._ttl,
            response_headers={
                "response-content-type": content_type,
                "response-content-disposition": _content_disposition(filename),
            },
        )
        if not self._public_prefix:
            return url
        # Signed for /<bucket>/<key>; the gateway strips the prefix before MinIO checks it.
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=self._public_prefix + parts.path))
