"""Build a request for every operation of a service's OpenAPI document, aimed at another tenant.

The tenancy sweep (test_tenancy_sweep.py) calls each operation with one organisation's token and
every identifier (path, query and body) pointing at another organisation's objects. Bodies are
made from the operation's own schema so that validation passes and the request reaches the
tenancy check; identifiers the schema names (`company_id`, `ids`, ...) are replaced with the
victim's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

METHODS = ("get", "post", "put", "patch", "delete")
# Valid values for the patterns the services' schemas use.
PATTERN_VALUES = {
    r"^\d{10}$": "5261040828",
    r"^#[0-9a-fA-F]{6}$": "#123456",
    r"^\d{4}-(0[1-9]|1[0-2])$": "2026-10",
    r"^(admin|manager|employee|owner|client)$": "employee",
}
# Names whose values a schema cannot express (checked by the service's own code).
NAMED_VALUES = {
    "period": "2026-10",
    "from_account": "61109010140000071219812874",
    "account": "61109010140000071219812874",
}
# Operations whose bodies are not JSON (their schema cannot give an example).
RAW_BODIES = {
    ("ksef-gateway", "PUT", "/companies/{company_id}/ksef/signed-request"): (
        b"<AuthTokenRequest/>",
        "application/xml",
    ),
}
FORMAT_VALUES = {
    "date": "2026-11-02",
    "date-time": "2026-11-02T10:00:00+01:00",
    "binary": "x",
    "email": "ktos@example.com",
}


@dataclass
class Operation:
    service: str
    method: str
    path: str
    url: str
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    files: dict[str, tuple[str, bytes, str]] | None = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # True when the path itself names an object of the other tenant.
    targets_victim: bool = False


class Example:
    """Example values for an OpenAPI document's schemas, with identifiers injected."""

    def __init__(self, spec: dict[str, Any], inject: dict[str, Any]) -> None:
        self.spec = spec
        self.inject = inject

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def value(self, schema: dict[str, Any], name: str | None = None, depth: int = 0) -> Any:
        schema = self.resolve(schema)
        if name in self.inject:
            return self.inject[name]
        if name in NAMED_VALUES:
            return NAMED_VALUES[name]
        for key in ("anyOf", "oneOf"):
            if key in schema:
                options = [s for s in schema[key] if self.resolve(s).get("type") != "null"]
                return self.value(options[0], name, depth) if options else None
        if "allOf" in schema:
            return self.value(schema["allOf"][0], name, depth)
        if schema.get("examples"):
            return schema["examples"][0]
        if schema.get("default") is not None:
            return schema["default"]
        if "enum" in schema:
            return schema["enum"][0]
        if "const" in schema:
            return schema["const"]
        return self._typed(schema, depth)

    def _typed(self, schema: dict[str, Any], depth: int) -> Any:
        kind = schema.get("type", "object")
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            item = self.value(schema.get("items", {}), None, depth + 1)
            return [item] * max(schema.get("minItems", 1), 1)
        if kind == "string":
            if schema.get("pattern") in PATTERN_VALUES:
                return PATTERN_VALUES[schema["pattern"]]
            if schema.get("format") == "uuid":
                return str(uuid4())
            if schema.get("format") in FORMAT_VALUES:
                return FORMAT_VALUES[schema["format"]]
            return "x" * max(schema.get("minLength", 1), 1)
        if kind in ("integer", "number"):
            return max(schema.get("minimum", 1), 1)
        if kind == "boolean":
            return False
        return None

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        if depth > 6:
            return {}
        properties = schema.get("properties", {})
        wanted = set(schema.get("required", [])) | (set(properties) & set(self.inject))
        return {name: self.value(properties[name], name, depth + 1) for name in sorted(wanted)}


def operations(
    service: str, spec: dict[str, Any], ids: dict[str, Any], skip: set[tuple[str, str]]
) -> list[Operation]:
    """Every operation of `spec` with the victim's identifiers from `ids` filled in."""
    example = Example(spec, ids)
    result = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None or (method.upper(), path) in skip or path.startswith("/health"):
                continue
            result.append(_operation(service, method, path, operation, example))
    return result


def _operation(
    service: str, method: str, path: str, operation: dict[str, Any], example: Example
) -> Operation:
    op = Operation(service, method.upper(), path, path)
    for parameter in operation.get("parameters", []):
        name, where = parameter["name"], parameter["in"]
        value = _parameter(service, path, name, parameter.get("schema", {}), example)
        if where == "path":
            op.url = op.url.replace("{" + name + "}", str(value))
            op.targets_victim |= name in example.inject
        elif where == "query" and (parameter.get("required") or name in example.inject):
            op.params[name] = str(value)
    body = operation.get("requestBody", {}).get("content", {})
    key = (service, op.method, path)
    if key in RAW_BODIES:
        op.content, op.headers["Content-Type"] = RAW_BODIES[key]
    elif "application/json" in body:
        op.json = example.value(body["application/json"]["schema"])
    elif "multipart/form-data" in body:
        op.files = {"file": ("umowa.pdf", b"%PDF-1.4\n% sweep\n%%EOF\n", "application/pdf")}
    elif body:
        content_type = next(iter(body))
        op.content, op.headers["Content-Type"] = b"x\n", content_type
    return op


def _parameter(service: str, path: str, name: str, schema: dict[str, Any], example: Example) -> Any:
    if name == "invoice_id":
        # Two kinds of invoice share the name: received ones and drafts being issued.
        return example.inject["draft_id" if path.startswith("/issuing/") else "invoice_id"]
    return example.value(schema, name)
