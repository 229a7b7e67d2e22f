// Files exchanged between the office and a company: two tabs (from the office, from the
// company), month folders, upload, download through a short-lived link.
import { useRef, useState } from "react";
import { files, type Side } from "../../api/files";
import { ChooseCompanyFirst, CompanyPicker } from "../../components/CompanyPicker";
import { Alert, Loading, PageHeader, useAction, useLoad } from "../../components/ui";
import { formatDateTime, formatPeriod, formatSize } from "../../format";
import { useRequiredCompany } from "../../session/company";

const TABS: { side: Side; label: string }[] = [
  { side: "office", label: "Od biura" },
  { side: "company", label: "Od firmy" },
];

export function Files() {
  const { companyId, office } = useRequiredCompany();
  const [side, setSide] = useState<Side>(office ? "office" : "company");
  const [month, setMonth] = useState("");
  const [after, setAfter] = useState<string[]>([]);
  const list = useLoad(
    async () => (companyId ? files.list(companyId, side, month || undefined, after[after.length - 1]) : null),
    [companyId, side, month, after],
  );
  const months = useLoad(async () => (companyId ? files.months(companyId, side) : []), [companyId, side]);
  const action = useAction();
  const [notice, setNotice] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const mySide: Side = office ? "office" : "company";

  const upload = async (chosen: FileList | null) => {
    if (!companyId || !chosen?.length) return;
    const uploaded: string[] = [];
    for (const file of Array.from(chosen)) {
      const ok = await action.run(() => files.upload(companyId, file, month || undefined));
      if (ok) uploaded.push(ok.name);
    }
    if (input.current) input.current.value = "";
    if (uploaded.length) {
      setNotice(`Przesłano: ${uploaded.join(", ")}.`);
      setSide(mySide);
      list.reload();
      months.reload();
    }
  };

  const open = async (fileId: string) => {
    if (!companyId) return;
    const link = await action.run(() => files.downloadUrl(companyId, fileId));
    if (link) window.open(link.url, "_blank", "noopener");
  };

  const remove = async (fileId: string, name: string) => {
    if (!companyId || !window.confirm(`Usunąć plik ${name}?`)) return;
    const ok = await action.run(async () => {
      await files.remove(companyId, fileId);
      return true;
    });
    if (ok) list.reload();
  };

  return (
    <div>
      <PageHeader title="Pliki" />
      {office ? <CompanyPicker /> : null}
      {!companyId ? (
        office ? null : <ChooseCompanyFirst />
      ) : (
        <>
          <div className="upload card">
            <label htmlFor="upload-input" className="btn btn-primary">
              Prześlij plik
            </label>
            <input
              id="upload-input"
              ref={input}
              type="file"
              multiple
              className="visually-hidden-input"
              onChange={(e) => void upload(e.target.files)}
            />
            <span className="muted small">
              Pliki trafią do zakładki „{TABS.find((t) => t.side === mySide)?.label}”
              {month ? ` (folder ${formatPeriod(month)})` : ""}.
            </span>
          </div>
          <Alert>{action.error || list.error}</Alert>
          <Alert kind="success">{notice}</Alert>
          <div role="tablist" aria-label="Pliki" className="tabs">
            {TABS.map((t) => (
              <button
                key={t.side}
                role="tab"
                type="button"
                id={`tab-${t.side}`}
                aria-selected={side === t.side}
                aria-controls="files-panel"
                className={side === t.side ? "tab active" : "tab"}
                onClick={() => {
                  setSide(t.side);
                  setAfter([]);
                }}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div id="files-panel" role="tabpanel" aria-labelledby={`tab-${side}`}>
            <div className="field inline-field">
              <label htmlFor="files-month">Folder miesiąca</label>
              <select
                id="files-month"
                value={month}
                onChange={(e) => {
                  setMonth(e.target.value);
                  setAfter([]);
                }}
              >
                <option value="">wszystkie</option>
                {(months.data ?? []).map((m) => (
                  <option key={m.month} value={m.month}>
                    {formatPeriod(m.month)} ({m.files})
                  </option>
                ))}
              </select>
            </div>
            {list.loading ? <Loading /> : null}
            {list.data && list.data.items.length === 0 ? <p className="empty">Brak plików.</p> : null}
            {list.data && list.data.items.length > 0 ? (
              <div className="table-wrap">
                <table className="data-table">
                  <thead>
                    <tr>
                      <th scope="col">Nazwa</th>
                      <th scope="col" className="num hide-phone">Rozmiar</th>
                      <th scope="col" className="hide-phone">Miesiąc</th>
                      <th scope="col">Dodano</th>
                      <th scope="col"><span className="sr-only">Działania</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.data.items.map((f) => (
                      <tr key={f.id}>
                        <td>
                          <button type="button" className="link-button" onClick={() => void open(f.id)}>
                            {f.name}
                          </button>
                        </td>
                        <td className="num hide-phone">{formatSize(f.size)}</td>
                        <td className="hide-phone">{formatPeriod(f.month)}</td>
                        <td>{formatDateTime(f.created_at)}</td>
                        <td>
                          {f.deletable ? (
                            <button type="button" className="btn btn-small" onClick={() => void remove(f.id, f.name)}>
                              Usuń
                            </button>
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
            <div className="pager">
              <button type="button" className="btn btn-small" disabled={after.length === 0} onClick={() => setAfter((a) => a.slice(0, -1))}>
                ← Nowsze
              </button>
              <button
                type="button"
                className="btn btn-small"
                disabled={!list.data?.next_after}
                onClick={() => setAfter((a) => [...a, list.data?.next_after ?? ""])}
              >
                Starsze →
              </button>
            </div>
          </div>
        </>
      )}
    </div>
  );
}
