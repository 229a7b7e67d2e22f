"""Event contracts of Rachmistrz: the envelope, every event, every topic.

Importing this package registers every event model.
"""

from contracts import auth, files, invoices, ksef_gateway, messaging, taxes
from contracts.envelope import Envelope, EventData, RawEnvelope, new_envelope
from contracts.registry import EventSpec, TopicSpec, all_events, event_spec
from contracts.topics import TOPICS, topic

__all__ = [
    "TOPICS",
    "Envelope",
    "EventData",
    "EventSpec",
    "RawEnvelope",
    "TopicSpec",
    "all_events",
    "auth",
    "files",
    "invoices",
    "ksef_gateway",
    "messaging",
    "taxes",
    "event_spec",
    "new_envelope",
    "topic",
]
