"""Request types that read JSON as KSeF's .NET reader does: no silent coercion.

Pydantic's lax mode turns `0` into 1970-01-01 and `false` into 0; KSeF answers 400 to both,
and the schema-driven conformance test (`tests/test_schema_conformance.py`) checks that.
"""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

# Integer fields of the spec are int32: larger values are a 400.
INT32_MAX = 2**31 - 1


def _text(value: Any) -> Any:
    if not isinstance(value, str | date):
        raise ValueError("oczekiwano daty w formacie ISO 8601")
    return value


JsonDateTime = Annotated[datetime, BeforeValidator(_text)]
JsonDate = Annotated[date, BeforeValidator(_text)]
