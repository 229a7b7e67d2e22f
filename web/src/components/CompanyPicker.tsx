// Choose one of the office's client companies; searchable, so it works with thousands.
import { useId, useMemo, useState } from "react";
import { useCompany, useOfficeClients } from "../session/company";

export function CompanyPicker({ allowAll = false, label = "Firma klienta" }: { allowAll?: boolean; label?: string }) {
  const { companyId, setCompanyId, office } = useCompany();
  const { clients, loading, error } = useOfficeClients();
  const [filter, setFilter] = useState("");
  const id = useId();
  const shown = useMemo(() => {
    const f = filter.trim().toLocaleLowerCase("pl");
    const list = f ? clients.filter((c) => c.name.toLocaleLowerCase("pl").includes(f) || c.nip.includes(f)) : clients;
    const limited = list.slice(0, 300);
    const selected = clients.find((c) => c.id === companyId);
    if (selected && !limited.includes(selected)) limited.unshift(selected);
    return limited;
  }, [clients, filter, companyId]);
  if (!office) return null;
  return (
    <div className="company-picker">
      {clients.length > 15 ? (
        <div className="field">
          <label htmlFor={`${id}-filter`}>Szukaj klienta</label>
          <input
            id={`${id}-filter`}
            type="search"
            value={filter}
            placeholder="nazwa lub NIP"
            onChange={(e) => setFilter(e.target.value)}
          />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <select
          id={id}
          value={companyId ?? ""}
          disabled={loading}
          onChange={(e) => setCompanyId(e.target.value || undefined)}
        >
          <option value="">{allowAll ? "Wszyscy klienci" : loading ? "Wczytywanie…" : "— wybierz firmę —"}</option>
          {shown.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} (NIP {c.nip})
            </option>
          ))}
        </select>
      </div>
      {error ? <small className="field-error">{error}</small> : null}
    </div>
  );
}

/** Shown instead of a screen that needs a company when none is chosen. */
export function ChooseCompanyFirst() {
  return (
    <div className="empty">
      <p>Wybierz firmę klienta, aby zobaczyć jej dane.</p>
      <CompanyPicker />
    </div>
  );
}
