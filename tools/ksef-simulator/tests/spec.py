"""Validate responses against the official open-api.json (OpenAPI 3.0 -> JSON Schema 2020-12)."""

import json
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft202012Validator

SPEC_PATH = (
    Path(__file__).resolve().parents[3].parent / "shared" / "ksef" / "openapi" / "open-api.json"
)


def _convert(node: Any) -> Any:
    """OpenAPI 3.0 `nullable: true` has no JSON Schema meaning; rewrite it as anyOf null."""
    if isinstance(node, list):
        return [_convert(n) for n in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _convert(v) for k, v in node.items() if k not in ("nullable", "example")}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@cache
def spec() -> dict[str, Any]:
    raw = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return {"paths": raw["paths"], "components": _convert(raw["components"])}


def assert_schema(body: Any, schema_name: str) -> None:
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": spec()["components"]}
    Draft202012Validator(root).validate(body)


def assert_response(resp: httpx.Response, path: str, method: str = "get") -> None:
    """The status is declared for the operation and the body matches its schema."""
    op = spec()["paths"][path][method.lower()]
    declared = op["responses"]
    assert str(resp.status_code) in declared, f"{resp.status_code} not declared for {path}"
    content = declared[str(resp.status_code)].get("content")
    if not content:
        assert not resp.content, "a response without declared content must be empty"
        return
    media = resp.headers["content-type"].split(";")[0]
    assert media in content, f"{media} not declared for {path} {resp.status_code}"
    schema = _convert(content[media]["schema"])
    if media.endswith("json"):
        root = {**schema, "components": spec()["components"]}
        Draft202012Validator(root).validate(resp.json())
