"""The FA(3) XSD, loaded from local files only, and Polish field labels taken from it.

The schema imports its base types by an http:// URL; a resolver maps that URL to the copy in
`bazowe/`, and the parser has network access and entity expansion off, so validation never
reaches out. Labels for every element come from the XSD's own documentation.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

XS = "{http://www.w3.org/2001/XMLSchema}"
MAIN_XSD = "schemat_FA(3)_v1-0E.xsd"


# A byte-for-byte copy of ../shared/ksef/xsd/fa3 (the Ministry of Finance's schema), shipped in
# the package so the service image validates without the shared folder; a test keeps it equal.
XSD_DIR = Path(__file__).resolve().parent / "xsd"


class _LocalResolver(etree.Resolver):  # type: ignore[misc]
    def __init__(self, directory: Path) -> None:
        super().__init__()
        self._dir = directory

    def resolve(self, url: str | None, pubid: str | None, context: Any) -> Any:
        name = (url or "").rsplit("/", 1)[-1]
        for candidate in (self._dir / name, self._dir / "bazowe" / name):
            if candidate.is_file():
                return self.resolve_filename(str(candidate), context)
        # Anything else (a remote URL we do not have) is refused rather than fetched.
        raise etree.XMLSchemaParseError(f"schema {url} is not available offline")


def safe_parser(**options: Any) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, **options
    )


@lru_cache(maxsize=4)
def load_schema(directory: Path) -> etree.XMLSchema:
    parser = safe_parser()
    parser.resolvers.add(_LocalResolver(directory))
    doc = etree.parse(str(directory / MAIN_XSD), parser)
    return etree.XMLSchema(doc)


def _first_sentence(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    cut = re.split(r"(?<=[a-ząęóśłżźćń)])\. ", text, maxsplit=1)[0].rstrip(".")
    return cut if len(cut) <= limit else cut[: limit - 1].rstrip() + "…"


@lru_cache(maxsize=4)
def labels(directory: Path) -> dict[str, str]:
    """Element name -> a short Polish label from the XSD documentation (first one wins)."""
    found: dict[str, str] = {}
    for name in (MAIN_XSD, "bazowe/StrukturyDanych_v10-0E.xsd"):
        tree = etree.parse(str(directory / name), safe_parser())
        for element in tree.iter(f"{XS}element"):
            key = element.get("name")
            doc = element.find(f"{XS}annotation/{XS}documentation")
            if key and key not in found and doc is not None and doc.text:
                found[key] = _first_sentence(doc.text)
    return found
