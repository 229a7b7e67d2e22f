// The dashboard: this month's invoices by direction, what waits for work, taxes of the month.
import { Link } from "react-router-dom";
import { DIRECTION_LABELS, invoices } from "../api/invoices";
import { taxes } from "../api/taxes";
import { CompanyPicker } from "../components/CompanyPicker";
import { Alert, Loading, PageHeader, useLoad } from "../components/ui";
import { formatDateTime, formatGrosze, formatMoney, formatPeriod } from "../format";
import { useCompany } from "../session/company";
import { useSession } from "../session/SessionContext";

function Stat({ label, value, to }: { label: string; value: number | string | undefined; to?: string }) {
  const body = (
    <>
      <span className="stat-value">{value ?? "—"}</span>
      <span className="stat-label">{label}</span>
    </>
  );
  return <li className="stat">{to ? <Link to={to}>{body}</Link> : body}</li>;
}

export function Dashboard() {
  const { companyId, office } = useCompany();
  const { context } = useSession();
  const stats = useLoad(() => invoices.dashboard(companyId), [companyId]);
  const period = new Date().toISOString().slice(0, 7);
  const month = useLoad(async () => (companyId ? taxes.month(companyId, period) : null), [companyId, period]);
  const d = stats.data;
  const q = companyId && office ? `?firma=${companyId}` : "";
  return (
    <div>
      <PageHeader title="Pulpit" />
      <p className="muted">
        {context?.org.name}
        {office && !companyId ? " — wszyscy klienci" : ""}
      </p>
      {office ? <CompanyPicker allowAll /> : null}
      <Alert>{stats.error}</Alert>
      {stats.loading && !d ? <Loading /> : null}
      {d ? (
        <>
          <section aria-labelledby="month-h" className="card">
            <h2 id="month-h" className="h3">Faktury w miesiącu: {formatPeriod(d.month)}</h2>
            {d.this_month.length === 0 ? <p className="muted">Brak faktur w tym miesiącu.</p> : null}
            <ul className="stats">
              {d.this_month.map((m) => (
                <li key={`${m.direction}-${m.currency}`} className="stat">
                  <span className="stat-value">{formatMoney(m.gross, m.currency)}</span>
                  <span className="stat-label">
                    {DIRECTION_LABELS[m.direction] ?? m.direction}: {m.count} faktur (netto {formatMoney(m.net, m.currency)})
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="work-h" className="card">
            <h2 id="work-h" className="h3">Do zrobienia</h2>
            <ul className="stats">
              <Stat label="do akceptacji" value={d.awaiting_approval} to={`/faktury${q}`} />
              <Stat label="bez kategorii" value={d.uncategorised} to={`/faktury${q}`} />
              <Stat label="niezaksięgowane" value={d.unbooked} to={`/faktury${q}`} />
              <Stat label="wyłączone z księgowania" value={d.excluded} />
              <Stat label="błędy odczytu" value={d.failed} />
              <Stat label="wszystkie faktury" value={d.total} to={`/faktury${q}`} />
            </ul>
            <p className="small muted">Ostatnia synchronizacja z KSeF: {d.last_sync_at ? formatDateTime(d.last_sync_at) : "jeszcze nie"}</p>
          </section>
        </>
      ) : null}
      {companyId && month.data ? (
        <section aria-labelledby="tax-h" className="card">
          <h2 id="tax-h" className="h3">Podatki i opłaty: {formatPeriod(period)}</h2>
          <p>
            {month.data.tile.label} · razem {formatGrosze(month.data.tile.total_grosze)} · do zapłaty{" "}
            {formatGrosze(month.data.tile.outstanding_grosze)}
          </p>
          <Link to={`/podatki${q}`}>Przejdź do podatków</Link>
        </section>
      ) : null}
    </div>
  );
}
