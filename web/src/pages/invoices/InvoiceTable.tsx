// The invoice table: sortable headers, row checkboxes, category colours, status badges.
import { Link } from "react-router-dom";
import type { InvoiceRow, SortKey } from "../../api/invoices";
import { APPROVAL_LABELS, BOOKING_LABELS, DIRECTION_LABELS } from "../../api/invoices";
import { StatusBadge } from "../../components/ui";
import { formatDate, formatMoney } from "../../format";

interface Column {
  key: SortKey;
  label: string;
  numeric?: boolean;
  hideOnPhone?: boolean;
}

export const COLUMNS: Column[] = [
  { key: "invoice_number", label: "Numer" },
  { key: "issue_date", label: "Data wystawienia", hideOnPhone: true },
  { key: "counterparty_name", label: "Kontrahent" },
  { key: "direction", label: "Rodzaj", hideOnPhone: true },
  { key: "net", label: "Netto", numeric: true, hideOnPhone: true },
  { key: "gross", label: "Brutto", numeric: true },
  { key: "category", label: "Kategoria", hideOnPhone: true },
  { key: "approval", label: "Status", hideOnPhone: true },
];

function approvalTone(a: InvoiceRow["approval"]) {
  return a === "approved" ? "ok" : a === "rejected" ? "bad" : a === "pending" ? "warn" : "neutral";
}

export function CategoryChip({ name, colour }: { name: string | null; colour: string | null }) {
  if (!name) return <span className="muted">—</span>;
  return (
    <span className="chip">
      <span className="dot" style={{ background: colour ?? "#888" }} aria-hidden="true" />
      {name}
    </span>
  );
}

export function InvoiceTable({
  rows,
  sort,
  order,
  onSort,
  selected,
  onToggle,
  onToggleAll,
  showCompany,
  search,
}: {
  rows: InvoiceRow[];
  sort: SortKey;
  order: "asc" | "desc";
  onSort: (key: SortKey) => void;
  selected: Set<string>;
  onToggle: (row: InvoiceRow) => void;
  onToggleAll: (checked: boolean) => void;
  showCompany: boolean;
  search: string;
}) {
  const allChecked = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const someChecked = rows.some((r) => selected.has(r.id));
  return (
    <div className="table-wrap">
      <table className="data-table invoices-table">
        <caption className="sr-only">Faktury; nagłówki kolumn sortują listę</caption>
        <thead>
          <tr>
            <th scope="col" className="check">
              <input
                type="checkbox"
                aria-label="Zaznacz wszystkie na tej stronie"
                checked={allChecked}
                ref={(el) => {
                  if (el) el.indeterminate = someChecked && !allChecked;
                }}
                onChange={(e) => onToggleAll(e.target.checked)}
              />
            </th>
            {showCompany ? <th scope="col" className="hide-phone">Firma</th> : null}
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={[c.numeric ? "num" : "", c.hideOnPhone ? "hide-phone" : ""].join(" ")}
                aria-sort={sort === c.key ? (order === "asc" ? "ascending" : "descending") : "none"}
              >
                <button type="button" className="sort" onClick={() => onSort(c.key)}>
                  {c.label}
                  <span aria-hidden="true" className="sort-mark">
                    {sort === c.key ? (order === "asc" ? "▲" : "▼") : "↕"}
                  </span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className={selected.has(r.id) ? "selected" : undefined}>
              <td className="check">
                <input
                  type="checkbox"
                  aria-label={`Zaznacz fakturę ${r.invoice_number}`}
                  checked={selected.has(r.id)}
                  onChange={() => onToggle(r)}
                />
              </td>
              {showCompany ? <td className="hide-phone">{r.company_name}</td> : null}
              <td>
                <Link to={`/faktury/${r.id}${search}`}>{r.invoice_number || r.ksef_number}</Link>
                {r.status === "failed" ? <StatusBadge tone="bad">błąd odczytu</StatusBadge> : null}
                {/* phones: the date under the number instead of its own column */}
                <small className="muted block show-phone">{formatDate(r.issue_date)}</small>
              </td>
              <td className="hide-phone">{formatDate(r.issue_date)}</td>
              <td>
                <span className="cp-name">{r.counterparty_name ?? "—"}</span>
                {r.counterparty_nip ? <small className="muted block">NIP {r.counterparty_nip}</small> : null}
              </td>
              <td className="hide-phone">{DIRECTION_LABELS[r.direction] ?? r.direction}</td>
              <td className="num hide-phone">{formatMoney(r.net, r.currency)}</td>
              <td className="num">{formatMoney(r.gross, r.currency)}</td>
              <td className="hide-phone">
                <CategoryChip name={r.category_name} colour={r.category_colour} />
              </td>
              <td className="hide-phone">
                <StatusBadge tone={approvalTone(r.approval)}>{APPROVAL_LABELS[r.approval] ?? r.approval}</StatusBadge>
                {r.booking !== "unbooked" ? (
                  <small className="muted block">{BOOKING_LABELS[r.booking]}</small>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
