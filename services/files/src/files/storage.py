"""MinIO adapter: the only module that talks to object storage.

The official SDK is synchronous (urllib3), so its calls run in worker threads. An upload is a
stream: the event loop gathers one 5 MiB part of the request body, a thread sends it as one
part of an S3 multipart upload, and only then is the next part gathered. Memory holds about
one part whatever the file's size. The SDK's `put_object` would do the same from a file-like
object but keeps three copies of a part alive at once (it reads one byte ahead), so the parts
go through its multipart calls instead; those are underscored in the SDK, and pinned by the lock
file and covered by the upload tests. An exception from the body (too large, client gone, bad
form data) aborts the multipart upload: nothing stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, Protocol, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

from minio import Minio
from minio.datatypes import Part
from minio.error import S3Error

from files.config import Settings

PART_SIZE = 5 * 1024 * 1024  # S3's smallest multipart part
T = TypeVar("T")


class ObjectStore(Protocol):
    async def ensure_bucket(self) -> None: ...

    async def put(self, key: str, chunks: AsyncIterator[bytes], content_type: str) -> None: ...

    async def remove(self, key: str) -> None: ...

    def download_url(self, key: str, filename: str, content_type: str) -> str: ...


class _Parts:
    """Cuts the body into parts of exactly `size` bytes (the last one shorter)."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = b""
        self._done = False

    async def next(self, size: int) -> bytes:
        """The next part; b"" at the end. Only the last chunk of a part is split, so the one
        join is the only copy of a part."""
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
        # bounds concurrent uploads, and with them memory (about one part each).
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

    async def _run(self, call: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(
            self._uploads, functools.partial(call, *args)
        )

    async def put(self, key: str, chunks: AsyncIterator[bytes], content_type: str) -> None:
        body = _Parts(chunks)
        data = await body.next(PART_SIZE)
        if len(data) < PART_SIZE:
            # Small enough for one PUT.
            await self._run(
                functools.partial(self._client.put_object, content_type=content_type),
                self._bucket,
                key,
                io.BytesIO(data),
                len(data),
            )
            return
        client = self._client
        upload_id = await self._run(
            client._create_multipart_upload, self._bucket, key, {"Content-Type": content_type}
        )
        try:
            parts: list[Part] = []
            while data:
                number = len(parts) + 1
                etag = await self._run(
                    client._upload_part, self._bucket, key, data, None, upload_id, number
                )
                parts.append(Part(number, etag))
                data = b""  # let the sent part go before gathering the next
                data = await body.next(PART_SIZE)
            await self._run(client._complete_multipart_upload, self._bucket, key, upload_id, parts)
        except BaseException:
            with contextlib.suppress(Exception):
                await self._run(client._abort_multipart_upload, self._bucket, key, upload_id)
            raise

    async def remove(self, key: str) -> None:
        """Delete an object; a missing one is fine (S3 DELETE is idempotent)."""
        await asyncio.to_thread(self._client.remove_object, self._bucket, key)

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
