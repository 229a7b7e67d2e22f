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
    found = node.find(q(path))
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def dec(node: etree._Element | None, path: str) -> Decimal | None:
    value = text(node, path)
    return Decimal(value) if value is not None else None


def day(node: etree._Element | None, path: str) -> date | None:
    value = text(node, path)
    return date.fromisoformat(value[:10]) if value else None
