"""Small readers of FA(3) elements by namespaced path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from lxml import etree  # type: ignore[import-untyped]

NS = "http://crd.gov.pl/wzor/2025/06/25/13775/"
Q = f"{{{NS}}}"


@lru_cache(maxsize=1024)  # the same few hundred paths, looked up for every invoice
def q(path: str) -> str:
    """`A/B` -> `{ns}A/{ns}B`."""
    return "/".join(f"{Q}{part}" for part in path.split("/"))


def text(node: etree._Element | None, path: str) -> str | None:
    if node is None:
        return None
    # iterchildren(tag) runs in C: about half the cost of find()'s ElementPath per lookup
    found: etree._Element = node
    for part in path.split("/"):
        child = next(found.iterchildren(Q + part), None)
        if child is None:
            return None
        found = child
    if found.text is None:
        return None
    return found.text.strip() or None


def child_texts(node: etree._Element | None) -> dict[str, str | None]:
    """Local name -> stripped text of the direct children (the first of repeated ones, None
    when empty), in one pass: for elements read field by field, such as lines and totals."""
    out: dict[str, str | None] = {}
    if node is None:
        return out
    for child in node:
        tag = child.tag
        if isinstance(tag, str) and tag.startswith(Q):
            out.setdefault(tag[len(Q) :], (child.text or "").strip() or None)
    return out


def to_dec(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def dec(node: etree._Element | None, path: str) -> Decimal | None:
    value = text(node, path)
    return Decimal(value) if value is not None else None


def day(node: etree._Element | None, path: str) -> date | None:
    value = text(node, path)
    return date.fromisoformat(value[:10]) if value else None
