"""Safe XML parsing and the official schemas, loaded offline from package resources."""

from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

RESOURCES = Path(__file__).parent / "resources"
XSD = RESOURCES / "xsd"
FA3_NS = "http://crd.gov.pl/wzor/2025/06/25/13775/"
AUTH_NS_20 = "http://ksef.mf.gov.pl/auth/token/2.0"
AUTH_NS_21 = "http://ksef.mf.gov.pl/auth/token/2.1"
UPO_NS = "http://upo.schematy.mf.gov.pl/KSeF/v4-3"


class _LocalResolver(etree.Resolver):  # type: ignore[misc]
    """The FA(3) schema imports its base types by http URL; serve them from disk instead."""

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        local = XSD / "fa3" / "bazowe" / system_url.rsplit("/", 1)[-1]
        if local.exists():
            return self.resolve_filename(str(local), context)
        return None


def safe_parser() -> etree.XMLParser:
    # No entity expansion and no network: invoices and auth documents are untrusted input.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, parser=safe_parser())


def _load_schema(path: Path) -> etree.XMLSchema:
    parser = safe_parser()
    parser.resolvers.add(_LocalResolver())
    return etree.XMLSchema(etree.parse(str(path), parser=parser))


@cache
def fa3_schema() -> etree.XMLSchema:
    return _load_schema(XSD / "fa3" / "schemat_FA(3)_v1-0E.xsd")


@cache
def auth_schema() -> etree.XMLSchema:
    # v2.0 uses regex syntax libxml2 cannot compile; its structure equals v2.1.
    return _load_schema(XSD / "auth" / "schemat_auth_v2-1.xsd")


@cache
def upo_schema() -> etree.XMLSchema:
    return _load_schema(XSD / "upo" / "upo-v4-3.xsd")


def schema_errors(schema: etree.XMLSchema, doc: etree._Element) -> list[str]:
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log][:10]
