"""The AsyncAPI document of every event in `libs/contracts`, generated from the models.

Each registered event becomes a FastStream publisher declaration on its topic with the
envelope parametrised by its payload model, so the document always matches the code.
`python -m chassis asyncapi` rewrites `libs/contracts/asyncapi.json`; a test fails when the
committed file is stale.
"""

from __future__ import annotations

import json
from pathlib import Path

from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from contracts import Envelope, all_events

DOCUMENT = Path(__file__).resolve().parents[3] / "contracts" / "asyncapi.json"


def render() -> str:
    broker = KafkaBroker("kafka:9092")
    for spec in all_events():
        broker.publisher(
            spec.topic,
            title=f"{spec.event_type} v{spec.version}",
            description=spec.description,
            schema=Envelope[spec.data],  # type: ignore[name-defined]
        )
    document = AsyncAPI(
        broker,
        title="Rachmistrz events",
        version="1",
        description="Events exchanged between Rachmistrz services over Kafka. "
        "The topic key is the company (or organisation) id.",
        schema_version="3.0.0",
    )
    # Sorted and indented so the committed file diffs well and is byte-stable.
    jsonable = document.to_specification().to_jsonable()
    return json.dumps(jsonable, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(path: Path = DOCUMENT) -> Path:
    path.write_text(render())
    return path
