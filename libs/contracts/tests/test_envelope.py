from uuid import uuid4

import pytest
from pydantic import ValidationError

from contracts import TOPICS, Envelope, RawEnvelope, all_events, event_spec, new_envelope
from contracts.auth import ORG_CREATED, OrgCreated, OrgKind


def _org_created() -> OrgCreated:
    return OrgCreated(org_id=uuid4(), kind=OrgKind.company, nip="5261040828", name="Firma")


def test_new_envelope_round_trips_through_json() -> None:
    event = new_envelope("org.created", 1, _org_created(), producer="auth")
    raw = RawEnvelope.model_validate_json(event.model_dump_json())
    parsed = Envelope[OrgCreated].model_validate(raw.model_dump())
    assert parsed == event
    assert parsed.data.kind is OrgKind.company


def test_envelope_is_immutable() -> None:
    event = new_envelope("org.created", 1, _org_created(), producer="auth")
    with pytest.raises(ValidationError):
        event.producer = "someone-else"  # type: ignore[misc]


def test_payload_with_a_wrong_nip_is_refused() -> None:
    with pytest.raises(ValidationError):
        OrgCreated(org_id=uuid4(), kind=OrgKind.company, nip="12345", name="Firma")


def test_every_event_has_a_topic_with_partitions() -> None:
    names = {t.name for t in TOPICS}
    assert all(spec.topic in names for spec in all_events())
    assert all(t.partitions >= 1 for t in TOPICS)
    assert event_spec("org.created", 1) is ORG_CREATED
    assert event_spec("org.created", 99) is None
