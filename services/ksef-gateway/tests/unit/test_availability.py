from datetime import UTC, datetime, timedelta

from contracts.ksef_gateway import KsefStatus, OfflineMode
from ksef_gateway.availability import Announced, Health, decide, parse_status, status_url

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_consecutive_failures_make_ksef_unavailable_and_one_answer_ends_it() -> None:
    health = Health(threshold=3)
    health.failed(retry_after=False)
    health.failed(retry_after=False)
    assert not health.down
    health.failed(retry_after=False)
    assert health.down
    assert health.changed.is_set()
    health.changed.clear()
    health.ok()
    assert not health.down
    assert health.changed.is_set()


def test_a_maintenance_answer_counts_at_once() -> None:
    health = Health(threshold=5)
    health.failed(retry_after=True)
    assert health.down


def test_an_announcement_names_the_mode_and_its_window() -> None:
    end = NOW + timedelta(hours=2)
    for status, mode in (
        ("MAINTENANCE", OfflineMode.offline),
        ("FAILURE", OfflineMode.awaryjny),
        ("TOTAL_FAILURE", OfflineMode.total),
    ):
        got = decide(Announced(status, NOW - timedelta(minutes=5), end), False, NOW, None)
        assert (got.status, got.mode, got.source) == (KsefStatus.unavailable, mode, "latarnia")
        assert (got.since, got.until) == (NOW, end)  # our clock orders the changes


def test_unannounced_failures_of_our_requests_mean_offline_mode() -> None:
    got = decide(Announced("AVAILABLE"), True, NOW, None)
    assert (got.status, got.mode, got.source) == (KsefStatus.unavailable, OfflineMode.offline,
                                                  "observed")  # fmt: skip
    assert "offline" in got.message


def test_availability_keeps_its_start_while_it_lasts() -> None:
    first = decide(None, False, NOW, None)
    later = decide(Announced("AVAILABLE"), False, NOW + timedelta(hours=1), first)
    assert later.since == NOW
    assert later.status is KsefStatus.available


def test_latarnia_status_body_is_read_as_the_client_libraries_document() -> None:
    body = {
        "status": "FAILURE",
        "messages": [
            {
                "id": "m-1",
                "eventId": 10,
                "category": "FAILURE",
                "type": "FAILURE_START",
                "title": "Awaria",
                "text": "Awaria KSeF",
                "start": "2026-03-02T09:00:00Z",
                "end": None,
                "version": 1,
                "published": "2026-03-02T09:01:00Z",
            }
        ],
    }
    got = parse_status(body)
    assert (got.status, got.start, got.end, got.text) == (
        "FAILURE", datetime(2026, 3, 2, 9, tzinfo=UTC), None, "Awaria KSeF",
    )  # fmt: skip
    assert parse_status({"status": "AVAILABLE"}).status == "AVAILABLE"


def test_status_service_address_follows_the_environment() -> None:
    assert status_url("https://api.ksef.mf.gov.pl/v2") == "https://api-latarnia.ksef.mf.gov.pl"
    test = "https://api-latarnia-test.ksef.mf.gov.pl"
    assert status_url("https://api-test.ksef.mf.gov.pl/v2") == test
    assert status_url("https://api-demo.ksef.mf.gov.pl/v2") == test
    assert status_url("http://127.0.0.1:59190/v2") == "http://127.0.0.1:59190"
