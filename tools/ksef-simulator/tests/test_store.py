"""`MemoryStore` keeps the records the `Store` protocol promises (sessions, permission grants)."""

from datetime import UTC, datetime

from ksef_simulator.domain import Ident, OnlineSession, PermissionGrant, Status
from ksef_simulator.store import MemoryStore, Store

NOW = datetime(2026, 5, 20, tzinfo=UTC)
CLIENT, OFFICE = Ident("Nip", "5265877635"), Ident("Nip", "7010002137")


def _grant(grant_id: str, context: Ident, subject: Ident) -> PermissionGrant:
    return PermissionGrant(
        grant_id, "Person", context, subject, "InvoiceRead", "Odczyt faktur", context, NOW
    )


def _session(ref: str, context: Ident) -> OnlineSession:
    return OnlineSession(
        ref, context, "AU-1", {}, b"", b"", NOW, NOW, NOW, Status(100, "Sesja otwarta")
    )


async def test_permission_grants_are_saved_listed_by_context_or_subject_and_deleted() -> None:
    store: Store = MemoryStore()
    person = Ident("Pesel", "90010112345")
    await store.save_permission_grant(_grant("g1", CLIENT, person))
    await store.save_permission_grant(_grant("g2", OFFICE, person))
    await store.save_permission_grant(_grant("g3", CLIENT, OFFICE))
    by_context = await store.list_permission_grants(context_value=CLIENT.value)
    assert sorted(g.id for g in by_context) == ["g1", "g3"]
    by_subject = await store.list_permission_grants(subject_value=person.value)
    assert sorted(g.id for g in by_subject) == ["g1", "g2"]
    [both] = await store.list_permission_grants(CLIENT.value, person.value)
    assert both.id == "g1"
    deleted = await store.delete_permission_grant("g1")
    assert deleted is not None
    assert deleted.id == "g1"
    assert await store.delete_permission_grant("g1") is None
    assert [g.id for g in await store.list_permission_grants(subject_value=person.value)] == ["g2"]


async def test_sessions_are_listed_per_context() -> None:
    store: Store = MemoryStore()
    await store.save_session(_session("SO-1", CLIENT))
    await store.save_session(_session("SO-2", OFFICE))
    await store.save_session(_session("SO-3", CLIENT))
    listed = await store.list_sessions(CLIENT.value)
    assert sorted(s.reference_number for s in listed) == ["SO-1", "SO-3"]
    assert await store.list_sessions("1111111111") == []
