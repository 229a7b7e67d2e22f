"""The OpenAPI document of the invoices app describes every JSON request body it takes.

Some issuing routes validate their bodies themselves (Polish messages); the document must still
carry their models' schemas, with every `$ref` resolvable, so clients and the tenancy sweep can
build valid requests from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chassis.cli import build_app
from invoices.config import Settings
from invoices.main import DEFINITION

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def spec(public_key_file: Path) -> dict[str, Any]:
    settings = Settings(
        database_url="postgresql://unused/invoices",
        kafka_bootstrap_servers="127.0.0.1:1",
        auth_public_key_file=public_key_file,
        offline_key_secret="test-offline-key-secret",
    )
    document: dict[str, Any] = build_app(DEFINITION, settings, api=True, worker=False).openapi()
    return document


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _json_bodies(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    bodies = {}
    for path, item in spec["paths"].items():
        for method in METHODS:
            content = item.get(method, {}).get("requestBody", {}).get("content", {})
            if "application/json" in content:
                bodies[f"{method.upper()} {path}"] = content["application/json"]["schema"]
    return bodies


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_every_json_request_body_has_a_schema_with_properties(spec: dict[str, Any]) -> None:
    bodies = _json_bodies(spec)
    without = [op for op, schema in bodies.items() if not _resolve(spec, schema).get("properties")]
    assert without == []
    # The routes that validate their bodies themselves are among them, with their models.
    issuing = "/issuing/companies/{company_id}"
    named = {
        "POST /issuing/invoices/{invoice_id}/send": {"mode"},
        f"PUT {issuing}/settings": {"office_may_issue"},
        f"POST {issuing}/series": {"name", "pattern", "kind", "reset", "is_default"},
        f"PUT {issuing}/offline-certificate": {"certificate", "private_key", "password"},
        f"POST {issuing}/invoices": {"buyer", "lines", "issue_date"},
        "PUT /issuing/invoices/{invoice_id}": {"buyer", "lines", "issue_date"},
    }
    for op, fields in named.items():
        assert fields <= set(_resolve(spec, bodies[op])["properties"]), op


def test_every_schema_reference_resolves(spec: dict[str, Any]) -> None:
    known = {f"#/components/schemas/{name}" for name in spec["components"]["schemas"]}
    assert {ref for ref in _refs(spec) if ref not in known} == set()


def test_bodies_the_routes_require_are_marked_required(spec: dict[str, Any]) -> None:
    paths = spec["paths"]
    assert paths["/issuing/companies/{company_id}/series"]["post"]["requestBody"]["required"]
    # Sending takes an optional body (`{"mode": ...}` defaults to online).
    assert not paths["/issuing/invoices/{invoice_id}/send"]["post"]["requestBody"].get("required")
