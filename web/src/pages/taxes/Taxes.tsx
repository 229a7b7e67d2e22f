// Taxes and fees: year filter, twelve month tiles with status colours, amounts and progress.
import { useEffect, useState } from "react";
import { taxes, type Tile } from "../../api/taxes";
import { ChooseCompanyFirst, CompanyPicker } from "../../components/CompanyPicker";
import { Alert, Loading, PageHeader, useLoad } from "../../components/ui";
import { formatGrosze, monthName } from "../../format";
import { useRequiredCompany } from "../../session/company";
import { MonthDetails } from "./MonthDetails";

export function TileView({ tile, onOpen, current }: { tile: Tile; onOpen: () => void; current: boolean }) {
  return (
    <button
      type="button"
      className={`tile tile-${tile.color}${current ? " tile-current" : ""}`}
      onClick={onOpen}
      // the visible text is the name (month, status, amounts): a separate aria-label would
      // make speech users say words they cannot see
      aria-current={current ? "date" : undefined}
    >
      <span className="tile-month">{monthName(tile.period)}</span>
      <span className="tile-label">{tile.label}</span>
      {tile.items > 0 ? (
        <>
          <span className="tile-amount">{formatGrosze(tile.total_grosze)}</span>
          <span className="progress" aria-hidden="true">
            <span style={{ width: `${tile.progress_percent}%` }} />
          </span>
          <span className="tile-sub">
            opłacono {tile.progress_percent}% · pozostało {formatGrosze(tile.outstanding_grosze)}
          </span>
        </>
      ) : null}
    </button>
  );
}

export function Taxes() {
  const { companyId, office } = useRequiredCompany();
  const [year, setYear] = useState(new Date().getFullYear());
  const [period, setPeriod] = useState<string | null>(null);
  const years = useLoad(async () => (companyId ? (await taxes.years(companyId)).years : []), [companyId]);
  const tiles = useLoad(async () => (companyId ? taxes.months(companyId, year) : []), [companyId, year]);
  useEffect(() => {
    setPeriod(null);
  }, [companyId]);
  const thisMonth = new Date().toISOString().slice(0, 7);

  return (
    <div>
      <PageHeader title="Podatki i opłaty" />
      {office ? <CompanyPicker /> : null}
      {!companyId ? (
        office ? null : <ChooseCompanyFirst />
      ) : (
        <>
          <div className="row wrap">
            <div className="field">
              <label htmlFor="tax-year">Rok</label>
              <select id="tax-year" value={year} onChange={(e) => setYear(Number(e.target.value))}>
                {[...new Set([...(years.data ?? []), year])].sort().map((y) => (
                  <option key={y} value={y}>{y}</option>
                ))}
              </select>
            </div>
            <ul className="legend" aria-label="Legenda kolorów">
              <li><span className="dot tile-green" aria-hidden="true" /> opłacone</li>
              <li><span className="dot tile-yellow" aria-hidden="true" /> do zapłaty</li>
              <li><span className="dot tile-red" aria-hidden="true" /> zaległe</li>
              <li><span className="dot tile-grey" aria-hidden="true" /> brak pozycji</li>
            </ul>
          </div>
          <Alert>{tiles.error}</Alert>
          {tiles.loading ? <Loading /> : null}
          <div className="tiles">
            {(tiles.data ?? []).map((t) => (
              <TileView key={t.period} tile={t} current={t.period === thisMonth} onOpen={() => setPeriod(t.period)} />
            ))}
          </div>
          {period ? (
            <MonthDetails
              companyId={companyId}
              period={period}
              office={office}
              onChanged={tiles.reload}
              onClose={() => setPeriod(null)}
            />
          ) : null}
        </>
      )}
    </div>
  );
}
