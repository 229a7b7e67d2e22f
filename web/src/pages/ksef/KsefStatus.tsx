// A company's KSeF authorisation and sync status, as a badge and as a list.
import { AUTH_METHOD_LABELS, AUTH_STATUS_LABELS, type CompanyKsef } from "../../api/ksef";
import { StatusBadge } from "../../components/ui";
import { formatDateTime } from "../../format";

export function AuthBadge({ company }: { company: CompanyKsef }) {
  const a = company.authorization;
  if (!a || a.method === "none") return <StatusBadge tone="neutral">brak autoryzacji</StatusBadge>;
  const tone = a.status === "active" ? "ok" : a.status === "no_permission" || a.status === "expired" ? "warn" : "bad";
  return (
    <StatusBadge tone={tone}>
      {AUTH_METHOD_LABELS[a.method] ?? a.method}: {AUTH_STATUS_LABELS[a.status] ?? a.status}
    </StatusBadge>
  );
}

export function lastSync(company: CompanyKsef): string {
  const times = company.sync.map((s) => s.last_finished_at).filter(Boolean) as string[];
  if (times.length === 0) return "jeszcze nie";
  return formatDateTime(times.sort().at(-1));
}

export function syncError(company: CompanyKsef): string | null {
  return company.sync.find((s) => s.last_error)?.last_error ?? null;
}

const DIRECTIONS: Record<string, string> = { sales: "sprzedaż", purchase: "zakup", other: "inne" };

export function SyncTable({ company }: { company: CompanyKsef }) {
  if (company.sync.length === 0) return <p className="muted">Synchronizacja jeszcze się nie rozpoczęła.</p>;
  return (
    <table className="data-table compact">
      <thead>
        <tr>
          <th scope="col">Faktury</th>
          <th scope="col">Ostatnia synchronizacja</th>
          <th scope="col">Następna</th>
          <th scope="col" className="num">Pobrano</th>
          <th scope="col">Błąd</th>
        </tr>
      </thead>
      <tbody>
        {company.sync.map((s) => (
          <tr key={s.direction}>
            <td>{DIRECTIONS[s.direction] ?? s.direction}</td>
            <td>{formatDateTime(s.last_finished_at)}</td>
            <td>{s.enabled ? formatDateTime(s.next_due_at) : "wstrzymana"}</td>
            <td className="num">{s.fetched_total}</td>
            <td>{s.last_error ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
