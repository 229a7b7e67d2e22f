"""The files client: what it asks the files service, and how each answer is taken."""

from __future__ import annotations

import json
from collections.abc import Callable
from uuid import UUID, uuid4

import httpx
import pytest

from messaging.domain import Attachment, AttachmentNotFound, AttachmentRefused, FilesUnavailable
from messaging.files_client import FilesClient

COMPANY = UUID("0b8a7f1e-2c1d-4e5f-8a9b-1c2d3e4f5a6b")
BEARER = "Bearer abc.def.ghi"


def client(
    answer: Callable[[httpx.Request], httpx.Response], seen: list[httpx.Request]
) -> FilesClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    return FilesClient("http://files.test/api/files/", transport=httpx.MockTransport(handler))


def echo(keep: set[UUID]) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        ids = [UUID(i) for i in json.loads(request.content)["ids"]]
        return httpx.Response(200, json=[{"id": str(i), "name": "x.pdf"} for i in ids if i in keep])

    return answer


async def test_confirmed_files_pass_and_the_request_is_what_files_expects() -> None:
    a, b = uuid4(), uuid4()
    seen: list[httpx.Request] = []
    files = [Attachment(a, "a.pdf"), Attachment(b, "b.pdf"), Attachment(a, "a2.pdf")]
    await client(echo({a, b}), seen).verify(COMPANY, files, BEARER)
    [request] = seen
    assert request.method == "POST"
    assert str(request.url) == f"http://files.test/api/files/companies/{COMPANY}/files/lookup"
    assert request.headers["authorization"] == BEARER
    assert json.loads(request.content) == {"ids": [str(a), str(b)]}


async def test_every_unconfirmed_file_is_named() -> None:
    a, b, c = uuid4(), uuid4(), uuid4()
    with pytest.raises(AttachmentNotFound) as raised:
        await client(echo({b}), []).verify(
            COMPANY, [Attachment(a, "a"), Attachment(b, "b"), Attachment(c, "c")], BEARER
        )
    assert raised.value.status_code == 422
    assert raised.value.details == {"file_ids": [str(a), str(c)]}


async def test_a_company_files_does_not_show_the_caller_means_no_file_is_theirs() -> None:
    a = uuid4()
    answer = httpx.Response(404, json={"error": {"code": "company_not_found", "message": "-"}})
    with pytest.raises(AttachmentNotFound) as raised:
        await client(lambda _: answer, []).verify(COMPANY, [Attachment(a, "a")], BEARER)
    assert raised.value.details == {"file_ids": [str(a)]}


async def test_a_refusal_by_files_is_passed_on_with_its_code() -> None:
    answer = httpx.Response(403, json={"error": {"code": "forbidden", "message": "-"}})
    with pytest.raises(AttachmentRefused) as raised:
        await client(lambda _: answer, []).verify(COMPANY, [Attachment(uuid4(), "a")], BEARER)
    assert raised.value.details == {"files_error": "forbidden"}


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500, text="boom"),
        httpx.Response(502, text="<html>bad gateway</html>"),
        httpx.Response(200, text="not json"),
        httpx.Response(200, json={"unexpected": "shape"}),
    ],
)
async def test_a_broken_files_service_is_a_503_not_a_refusal(answer: httpx.Response) -> None:
    with pytest.raises(FilesUnavailable) as raised:
        await client(lambda _: answer, []).verify(COMPANY, [Attachment(uuid4(), "a")], BEARER)
    assert raised.value.status_code == 503


async def test_an_unreachable_files_service_is_a_503() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(FilesUnavailable):
        await client(refuse, []).verify(COMPANY, [Attachment(uuid4(), "a")], BEARER)


async def test_no_attachments_no_request() -> None:
    seen: list[httpx.Request] = []
    await client(echo(set()), seen).verify(COMPANY, [], BEARER)
    assert seen == []
