import json

from chassis import asyncapi


def test_committed_asyncapi_document_matches_the_code() -> None:
    assert asyncapi.DOCUMENT.read_text() == asyncapi.render(), (
        "libs/contracts/asyncapi.json is stale: run `python -m chassis asyncapi`"
    )


def test_asyncapi_document_describes_org_created_with_its_payload() -> None:
    document = json.loads(asyncapi.render())
    assert document["asyncapi"] == "3.0.0"
    addresses = {c["address"] for c in document["channels"].values()}
    assert {"org.created", "org.client.linked", "org.updated"} <= addresses
    assert "OrgCreated" in json.dumps(document["components"]["schemas"])
