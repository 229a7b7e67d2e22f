"""File names, months and the type allow-list, without I/O."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from pydantic import ValidationError

from chassis.errors import Forbidden
from chassis.tokens import Principal
from files.config import Settings
from files.domain import (
    ContentMismatch,
    FileTypeNotAllowed,
    InvalidFileName,
    InvalidMonth,
    Side,
    clean_name,
    parse_month,
    side_of,
)
from files.filetypes import content_type_of


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Faktura VAT 1/10.pdf ".replace("/", "-"), "Faktura VAT 1-10.pdf"),
        ("Zażółć gęślą jaźń.PDF", "Zażółć gęślą jaźń.PDF"),
        # a decomposed "ó" (o + combining acute), as macOS sends it, is stored composed
        ("o\u0301wczesny.pdf", "\u00f3wczesny.pdf"),
        ("wyciąg (2).csv", "wyciąg (2).csv"),
    ],
)
def test_names_keep_polish_letters(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "../x.pdf",
        "a/b.pdf",
        "a\\b.pdf",
        "..",
        ".ukryty",
        "plik.",
        "a\tb.pdf",
        "a\nb.pdf",
        "a\u202eb.pdf",
        "a\u200bb.pdf",
        'a"b.pdf',
        "a<b>.pdf",
        "x" * 256,
    ],
)
def test_tricky_names_are_refused(raw: str | None) -> None:
    with pytest.raises(InvalidFileName):
        clean_name(raw)


def test_month_defaults_to_the_current_one_and_is_checked() -> None:
    assert parse_month(None, date(2026, 1, 31)) == "2026-01"
    assert parse_month("2025-12", date(2026, 1, 31)) == "2025-12"
    for bad in ("2026-13", "2026-1", "26-01", "1999-01", "2026-00"):
        with pytest.raises(InvalidMonth):
            parse_month(bad, date(2026, 1, 1))


def _principal(org_kind: str, role: str) -> Principal:
    return Principal(user_id=uuid4(), org_id=uuid4(), org_kind=org_kind, role=role)


def test_side_follows_the_context_and_unknown_roles_are_refused() -> None:
    assert side_of(_principal("office", "employee")) is Side.office
    assert side_of(_principal("company", "client")) is Side.company
    for kind, role in (("company", "manager"), ("office", "owner"), ("other", "admin")):
        with pytest.raises(Forbidden):
            side_of(_principal(kind, role))


@pytest.mark.parametrize(
    ("name", "head", "content_type"),
    [
        ("a.pdf", b"%PDF-1.4\n", "application/pdf"),
        ("a.pdf", b"\r\n\r\n%PDF-1.4\n", "application/pdf"),
        ("a.TIFF", b"II*\x00rest", "image/tiff"),
        ("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        ("a.gif", b"GIF87a", "image/gif"),
        ("a.odt", b"PK\x03\x04", "application/vnd.oasis.opendocument.text"),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/vnd.ms-excel"),
        ("a.xml", b"\xef\xbb\xbf  <?xml version='1.0'?><Faktura/>", "application/xml"),
        ("a.txt", "Zażółć".encode("cp1250"), "text/plain"),
        ("a.csv", b"a;b\r\n1;2\r\n", "text/csv"),
        # the sniffing window may cut a UTF-8 character in two
        ("a.txt", "ż".encode()[:1], "text/plain"),
    ],
)
def test_content_decides_within_the_allow_list(name: str, head: bytes, content_type: str) -> None:
    assert content_type_of(name, head) == content_type


@pytest.mark.parametrize(
    ("name", "head", "error"),
    [
        ("a.exe", b"MZ", FileTypeNotAllowed),
        ("a.svg", b"<svg/>", FileTypeNotAllowed),
        ("a.js", b"alert(1)", FileTypeNotAllowed),
        ("a", b"%PDF-1.4", FileTypeNotAllowed),
        ("a.pdf", b"MZ\x90\x00", ContentMismatch),
        ("a.docx", b"%PDF-1.4", ContentMismatch),
        ("a.txt", "tekst".encode("utf-16"), ContentMismatch),
        ("a.csv", b"\x7fELF\x02\x01", ContentMismatch),
        ("a.xml", b"<!DOCTYPE html><html>", ContentMismatch),
        ("a.xml", b"plain text", ContentMismatch),
        ("a.jpg", b"\x89PNG\r\n\x1a\n", ContentMismatch),
    ],
)
def test_other_types_and_disguises_are_refused(
    name: str, head: bytes, error: type[Exception]
) -> None:
    with pytest.raises(error):
        content_type_of(name, head)


def test_minio_addresses_take_host_port_or_urls() -> None:
    base = {
        "database_url": "postgresql://u:p@h/d",
        "kafka_bootstrap_servers": "k:9092",
        "minio_access_key": "files",
        "minio_secret_key": "secret-secret",
        "auth_jwks_url": "http://auth/.well-known/jwks.json",
    }
    assert Settings(**base, minio_endpoint="minio:9000").minio_endpoint == "http://minio:9000"
    public = Settings(**base, minio_endpoint="https://s3.example/", minio_public_url="https://x/s/")
    assert (public.minio_endpoint, public.minio_public_url) == ("https://s3.example", "https://x/s")
    with pytest.raises(ValidationError):
        Settings(**base, minio_endpoint="ftp://minio:9000")
