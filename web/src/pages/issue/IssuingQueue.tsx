// Invoices issued but not yet in KSeF (sending, or issued offline), the closest deadline first.
import type { QueuedInvoice } from "../../api/issuing";
import { ISSUED_STATUS_LABELS } from "../../api/issuing";
import { StatusBadge } from "../../components/ui";
import { formatDate, formatMoney } from "../../format";
import { DeadlineLabel } from "./OfflineInfo";

export function IssuingQueue({ items }: { items: QueuedInvoice[] }) {
  return (
    <section className="card" aria-labelledby="queue-h">
      <h2 id="queue-h" className="h3">
        Czekają na KSeF
      </h2>
      {items.length === 0 ? (
        <p className="muted">Wszystkie wystawione faktury są w KSeF.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table compact">
            <thead>
              <tr>
                <th scope="col">Numer</th>
                <th scope="col">Data</th>
                <th scope="col">Nabywca</th>
                <th scope="col" className="num">Brutto</th>
                <th scope="col">Status</th>
                <th scope="col">Tryb offline</th>
                <th scope="col">Termin wysłania do KSeF</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id}>
                  <td className="mono">{i.number ?? "—"}</td>
                  <td>{formatDate(i.issue_date)}</td>
                  <td>{i.buyer_name}</td>
                  <td className="num">{formatMoney(i.gross, i.currency)}</td>
                  <td>
                    <StatusBadge tone={i.overdue ? "bad" : "warn"}>{ISSUED_STATUS_LABELS[i.status] ?? i.status}</StatusBadge>
                  </td>
                  <td>{i.offline_mode_label ?? "—"}</td>
                  <td>
                    <DeadlineLabel invoice={i} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
