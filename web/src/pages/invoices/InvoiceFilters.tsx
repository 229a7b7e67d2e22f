// The filter bar of the invoice list: search, kind, direction, dates, category, approval.
import { useEffect, useState } from "react";
import type { Approval, Category, Direction, InvoiceFilters } from "../../api/invoices";
import { APPROVAL_LABELS, DIRECTION_LABELS, KIND_LABELS } from "../../api/invoices";

export type FilterState = Pick<
  InvoiceFilters,
  "q" | "kind" | "direction" | "date_field" | "date_from" | "date_to" | "category_id" | "uncategorised" | "approval"
>;

export const EMPTY_FILTERS: FilterState = { date_field: "issue" };

export function InvoiceFilterBar({
  value,
  categories,
  onChange,
}: {
  value: FilterState;
  categories: Category[];
  onChange: (next: FilterState) => void;
}) {
  const [q, setQ] = useState(value.q ?? "");
  // Search as the user types, without a request per keystroke.
  useEffect(() => {
    const t = setTimeout(() => {
      if ((value.q ?? "") !== q.trim()) onChange({ ...value, q: q.trim() || undefined });
    }, 300);
    return () => clearTimeout(t);
  }, [q, value, onChange]);
  const set = (patch: Partial<FilterState>) => onChange({ ...value, ...patch });
  const categoryValue = value.uncategorised ? "__none" : (value.category_id ?? "");
  return (
    <form className="filters" role="search" aria-label="Filtry faktur" onSubmit={(e) => e.preventDefault()}>
      <div className="field grow">
        <label htmlFor="f-q">Szukaj</label>
        <input
          id="f-q"
          type="search"
          placeholder="numer, kontrahent, NIP, numer KSeF…"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="f-direction">Rodzaj</label>
        <select
          id="f-direction"
          value={value.direction ?? ""}
          onChange={(e) => set({ direction: (e.target.value || undefined) as Direction | undefined })}
        >
          <option value="">sprzedaż i zakup</option>
          {(Object.keys(DIRECTION_LABELS) as Direction[]).map((d) => (
            <option key={d} value={d}>{DIRECTION_LABELS[d]}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-kind">Typ faktury</label>
        <select
          id="f-kind"
          value={value.kind?.[0] ?? ""}
          onChange={(e) => set({ kind: e.target.value ? [e.target.value] : undefined })}
        >
          <option value="">wszystkie</option>
          {Object.entries(KIND_LABELS).map(([k, label]) => (
            <option key={k} value={k}>{label}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-date-field">Data</label>
        <select
          id="f-date-field"
          value={value.date_field ?? "issue"}
          onChange={(e) => set({ date_field: e.target.value as FilterState["date_field"] })}
        >
          <option value="issue">wystawienia</option>
          <option value="sale">sprzedaży</option>
          <option value="ksef">przyjęcia w KSeF</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-from">Od</label>
        <input id="f-from" type="date" value={value.date_from ?? ""} onChange={(e) => set({ date_from: e.target.value || undefined })} />
      </div>
      <div className="field">
        <label htmlFor="f-to">Do</label>
        <input id="f-to" type="date" value={value.date_to ?? ""} onChange={(e) => set({ date_to: e.target.value || undefined })} />
      </div>
      <div className="field">
        <label htmlFor="f-category">Kategoria</label>
        <select
          id="f-category"
          value={categoryValue}
          onChange={(e) =>
            set(
              e.target.value === "__none"
                ? { category_id: undefined, uncategorised: true }
                : { category_id: e.target.value || undefined, uncategorised: undefined },
            )
          }
        >
          <option value="">wszystkie</option>
          <option value="__none">bez kategorii</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>{c.name}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-approval">Akceptacja</label>
        <select
          id="f-approval"
          value={value.approval?.[0] ?? ""}
          onChange={(e) => set({ approval: e.target.value ? [e.target.value as Approval] : undefined })}
        >
          <option value="">dowolna</option>
          {(Object.keys(APPROVAL_LABELS) as Approval[]).map((a) => (
            <option key={a} value={a}>{APPROVAL_LABELS[a]}</option>
          ))}
        </select>
      </div>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => {
          setQ("");
          onChange(EMPTY_FILTERS);
        }}
      >
        Wyczyść filtry
      </button>
    </form>
  );
}
