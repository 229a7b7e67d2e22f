"""The simulator driven by a third-party client: the `ksef-client` SDK from PyPI (KSeF API v2).

The SDK runs in its own virtualenv (scripts/sdk-venv.sh builds it once and caches it in
.cache/) through tests/sdk_driver/driver.py, against a real simulator process listening on a
free port. The driver calls the simulator by a host name, not 127.0.0.1, as the SDK rejects
pre-signed URLs on loopback addresses: so this also proves the URLs use the host the client
called.
"""

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sim_process import running_simulator

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent
SAMPLE = (
    PACKAGE.parents[1].parent / "shared/ksef/samples/fa3/ksef-client-java__invoice-template_v3.xml"
)
HOST = "ksef-sim.test"


@pytest.fixture(scope="module")
def sdk_python() -> str:
    script = PACKAGE / "scripts/sdk-venv.sh"
    out = subprocess.run([str(script)], check=True, capture_output=True, text=True, timeout=600)
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    """A simulator process with 3 seeded companies; yields its base URL and their NIPs."""
    env = {
        "KSEF_SIM_SEED_COMPANIES": "3",
        "KSEF_SIM_SEED_INVOICES": "20",
        "KSEF_SIM_EXPORT_PROCESSING_SECONDS": "0.5",
    }
    with running_simulator(env) as (port, companies):
        yield f"http://{HOST}:{port}", [c["nip"] for c in companies]


def drive(python: str, base_url: str, scenario: str, **args: Any) -> dict[str, Any]:
    run = subprocess.run(
        [python, str(HERE / "sdk_driver/driver.py"), base_url, scenario, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def test_xades_login_with_a_self_signed_certificate(
    sdk_python: str, server: tuple[str, list[str]]
) -> None:
    url, nips = server
    result = drive(sdk_python, url, "xades_login", nip=nips[0])
    assert result == {"accessToken": True, "activeSessions": 1}


def test_ksef_token_generated_by_the_owner_logs_in_and_refreshes(
    sdk_python: str, server: tuple[str, list[str]]
) -> None:
    url, nips = server
    result = drive(sdk_python, url, "token_login", nip=nips[1])
    assert result == {"tokenStatus": "Active", "refreshed": True}


def test_invoice_sent_online_gets_ksef_number_and_upos(
    sdk_python: str, server: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, nips = server
    xml = SAMPLE.read_bytes().replace(b"#nip#", nips[2].encode())
    xml = xml.replace(b"#invoice_number#", b"SDK/1/2026").replace(b"3861610227", nips[0].encode())
    xml = xml.replace(b"#invoicing_date#", time.strftime("%Y-%m-%d").encode())
    invoice = tmp_path / "invoice.xml"
    invoice.write_bytes(xml)
    result = drive(sdk_python, url, "send_invoice", nip=nips[2], invoice_path=str(invoice))
    assert result["invoiceStatus"] == 200
    assert result["ksefNumber"].startswith(nips[2])
    assert result["sessionStatus"] == 200
    assert all(result[k] for k in ("upoHasNumber", "upoByNumberHasNumber", "sessionUpoHasNumber",
                                   "presignedUpoHasNumber"))  # fmt: skip


def test_metadata_query_pages_through_all_sales(
    sdk_python: str, server: tuple[str, list[str]]
) -> None:
    url, nips = server
    result = drive(sdk_python, url, "metadata_paging", nip=nips[0])
    assert result["pageSizes"][:2] == [10, 10]
    assert sum(result["pageSizes"]) == result["unique"] >= 20
    assert result["hwm"] is True


def test_single_invoice_download_matches_its_hashes(
    sdk_python: str, server: tuple[str, list[str]]
) -> None:
    url, nips = server
    result = drive(sdk_python, url, "download", nip=nips[1])
    assert result == {"headerMatches": True, "metadataHashMatches": True, "hasNip": True}


@pytest.mark.parametrize("compression", ["Zip", "TarGz"])
def test_export_is_downloaded_verified_and_decrypted(
    sdk_python: str, server: tuple[str, list[str]], compression: str
) -> None:
    url, nips = server
    result = drive(sdk_python, url, "export", nip=nips[0], compression=compression)
    assert result["status"] == 200
    assert result["xmlFiles"] == result["metadataRows"] == result["invoiceCount"] >= 20
    assert result["compression"] == compression
