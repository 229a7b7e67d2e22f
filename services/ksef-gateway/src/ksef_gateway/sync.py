"""One sync round of one (company, subject type): KSEF-NOTES §6.5, exactly.

Windows start at the checkpoint (PermanentStorage date) with `restrictToPermanentStorageHwmDate`,
so only closed data is read. A window older than 3 months is cut to 89 days (backfill). A small
delta (metadata query says <= `sync_small_delta` invoices) is downloaded one by one; anything
bigger goes through an encrypted export. Each invoice is recorded in `fetched_invoices` and
published in the same transaction, so it leaves exactly once; the checkpoint moves in the
transaction of the last batch, so a crash repeats work but never skips or duplicates it.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chassis.logs import get_logger
from ksef_gateway import events
from ksef_gateway import sync_repository as srepo
from ksef_gateway.domain import CompanyAuth, next_checkpoint, window_end
from ksef_gateway.gateway import Gateway
from ksef_gateway.ksef_client import KsefError, KsefUnavailable

log = get_logger(__name__)
BATCH = 200
HWM_NOT_CLOSED = 21183  # `from` is above the HWM: nothing new is closed yet


@dataclass(frozen=True)
class Step:
    published: int
    checkpoint: datetime
    hwm: datetime | None
    more: bool  # another window follows right away (truncated, or backfill not finished)


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def filters(subject: str, start: datetime, end: datetime | None) -> dict[str, Any]:
    date_range: dict[str, Any] = {
        "dateType": "PermanentStorage",
        "from": iso(start),
        "restrictToPermanentStorageHwmDate": True,
    }
    if end is not None:
        date_range["to"] = iso(end)
    return {"subjectType": subject, "dateRange": date_range}


async def publish(
    gw: Gateway,
    auth: CompanyAuth,
    subject: str,
    items: list[tuple[dict[str, Any], bytes]],
    checkpoint: datetime,
) -> int:
    """Record and publish new invoices in batches; the last batch also moves the checkpoint.

    Large XML is stored in MinIO first (claim check), so its outbox row never points at
    nothing."""
    published = 0
    batches = [items[i : i + BATCH] for i in range(0, len(items), BATCH)] or [[]]
    for n, batch in enumerate(batches):
        refs = {
            meta["ksefNumber"]: await gw.store.put_invoice(auth.company_id, meta["ksefNumber"], xml)
            for meta, xml in batch
            if len(xml) > gw.settings.inline_xml_limit
        }
        async with gw.pool.acquire() as conn, conn.transaction():
            new = 0
            for meta, xml in batch:
                if await srepo.mark_fetched(conn, auth.company_id, subject, meta["ksefNumber"]):
                    await events.invoice_fetched(
                        conn,
                        auth.company_id,
                        auth.company_nip,
                        subject,
                        meta,
                        xml,
                        refs.get(meta["ksefNumber"]),
                    )
                    new += 1
            last = n == len(batches) - 1
            if last:
                await srepo.advance(conn, auth.company_id, subject, checkpoint, 0)
            await conn.execute(
                "UPDATE sync_checkpoints SET fetched_total = fetched_total + $3"
                " WHERE company_id = $1 AND subject_type = $2",
                auth.company_id,
                subject,
                new,
            )
            published += new
    return published


async def step(
    gw: Gateway, auth: CompanyAuth, token: str, subject: str, checkpoint: datetime
) -> Step:
    """One window from the checkpoint: small deltas one by one, larger ones by export."""
    end = window_end(checkpoint, gw.clock.now())
    flt = filters(subject, checkpoint, end)
    try:
        page = await gw.ksef.query_metadata(auth.company_nip, token, flt, 0, 250)
    except KsefError as error:
        if error.code == HWM_NOT_CLOSED:
            return Step(0, checkpoint, None, False)
        raise
    rows: list[dict[str, Any]] = page.get("invoices") or []
    if page.get("hasMore") or len(rows) > gw.settings.sync_small_delta:
        return await _by_export(gw, auth, token, subject, checkpoint, flt, end)
    hwm = _date(page.get("permanentStorageHwmDate"))
    async with gw.pool.acquire() as conn:
        known = await srepo.known_numbers(
            conn, auth.company_id, subject, [r["ksefNumber"] for r in rows]
        )
    items = [
        (r, await gw.ksef.download_invoice(auth.company_nip, token, r["ksefNumber"]))
        for r in rows
        if r["ksefNumber"] not in known
    ]
    new_cp = next_checkpoint(checkpoint, truncated=False, last_date=None, hwm=hwm, window_to=end)
    published = await publish(gw, auth, subject, items, new_cp)
    return Step(published, new_cp, hwm, end is not None and new_cp > checkpoint)


async def _by_export(
    gw: Gateway,
    auth: CompanyAuth,
    token: str,
    subject: str,
    checkpoint: datetime,
    flt: dict[str, Any],
    end: datetime | None,
) -> Step:
    nip = auth.company_nip
    reference, key = await gw.ksef.start_export(nip, token, flt)
    status = await _wait_for_export(gw, nip, token, reference)
    code = status["status"]["code"]
    if code == 420:
        return Step(0, checkpoint, None, False)
    if code != 200:
        raise KsefUnavailable(code, code, f"export ended with status {code}")
    package = status["package"]
    archive = b"".join(
        [
            key.decrypt(await gw.ksef.download_part(p["url"]))
            for p in sorted(package.get("parts") or [], key=lambda p: p["ordinalNumber"])
        ]
    )
    items = _unpack(archive) if archive else []
    truncated = bool(package.get("isTruncated"))
    hwm = _date(package.get("permanentStorageHwmDate"))
    new_cp = next_checkpoint(
        checkpoint,
        truncated=truncated,
        hwm=hwm,
        window_to=end,
        last_date=_date(package.get("lastPermanentStorageDate")),
    )
    published = await publish(gw, auth, subject, items, new_cp)
    more = new_cp > checkpoint and (truncated or end is not None)
    return Step(published, new_cp, hwm, more)


async def _wait_for_export(gw: Gateway, nip: str, token: str, reference: str) -> dict[str, Any]:
    delay = 1.0
    for _ in range(60):
        status = await gw.ksef.export_status(nip, token, reference)
        if status["status"]["code"] != 100:
            return status
        await gw.clock.sleep(delay)
        delay = min(delay * 1.5, 15.0)
    raise KsefUnavailable(0, 100, "export still in progress")


def _unpack(archive: bytes) -> list[tuple[dict[str, Any], bytes]]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        meta = json.loads(zf.read("_metadata.json"))["invoices"]
        names = set(zf.namelist())
        return [
            (m, zf.read(f"{m['ksefNumber']}.xml"))
            for m in meta
            if f"{m['ksefNumber']}.xml" in names
        ]


async def run(gw: Gateway, auth: CompanyAuth, token: str, subject: str, start: datetime) -> Step:
    """Windows one after another until the data closed so far is read (bounded per round)."""
    total, checkpoint, hwm = 0, start, None
    for _ in range(24):
        s = await step(gw, auth, token, subject, checkpoint)
        total, checkpoint, hwm = total + s.published, s.checkpoint, s.hwm or hwm
        if not s.more:
            break
    return Step(total, checkpoint, hwm, False)
