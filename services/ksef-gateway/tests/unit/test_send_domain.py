"""Send queue vocabulary: context keys, retry waits, session reuse, UPO matching."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from ksef_gateway.send_domain import (
    UPO_NS,
    backoff,
    context_key,
    office_session_key,
    parse_context_key,
    session_usable,
    status_message,
    upo_document,
)

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def upo(number: str, digest: str) -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Potwierdzenie xmlns="{UPO_NS}"><Dokument>'
        f"<NumerKSeFDokumentu>{number}</NumerKSeFDokumentu><SkrotDokumentu>{digest}"
        "</SkrotDokumentu><DataNadaniaNumeruKSeF>2026-03-02T11:00:00Z</DataNadaniaNumeruKSeF>"
        "</Dokument></Potwierdzenie>"
    )


def test_context_keys_name_the_company_and_the_office_sending_for_it() -> None:
    company, office = uuid4(), uuid4()
    assert parse_context_key(context_key(company, None)) == (company, None)
    assert parse_context_key(context_key(company, office)) == (company, office)
    assert office_session_key(company, office) not in (company, office)
    assert office_session_key(company, office) == office_session_key(company, office)


def test_retry_waits_double_up_to_ten_minutes() -> None:
    assert [backoff(n, 30).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(20, 30) == timedelta(minutes=10)


def test_a_session_is_reused_while_it_has_an_hour_and_room_left() -> None:
    assert session_usable(NOW + timedelta(hours=11), 9_999, NOW)
    assert not session_usable(NOW + timedelta(minutes=59), 1, NOW)
    assert not session_usable(NOW + timedelta(hours=11), 10_000, NOW)


def test_the_upo_confirms_a_duplicate_only_for_the_same_number_and_hash() -> None:
    document = upo("5265877635-20260302-0100001AF629-AF", "abc=")
    assert upo_document(document, "5265877635-20260302-0100001AF629-AF", "abc=") == (
        "2026-03-02T11:00:00Z"
    )
    assert upo_document(document, "5265877635-20260302-0100001AF629-AF", "xyz=") is None
    assert upo_document(document, "other", "abc=") is None


def test_unknown_status_codes_still_get_a_polish_explanation() -> None:
    assert "duplikat" in status_message(440)
    assert status_message(499) == "KSeF odrzucił fakturę (kod 499)."
