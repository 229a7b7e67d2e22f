// One month's taxes and fees: items, mark paid, export transfers; the office adds items.
import { useState } from "react";
import { taxes, TAX_STATUS_LABELS, type TaxItem } from "../../api/taxes";
import { Alert, Loading, StatusBadge, useAction, useLoad } from "../../components/ui";
import { formatDate, formatGrosze, formatPeriod, parseGrosze, todayIso } from "../../format";

const KINDS: Record<string, string> = { vat: "VAT", pit: "PIT", cit: "CIT", zus: "ZUS", ppk: "PPK", other: "inna opłata" };

function tone(status: TaxItem["status"]) {
  return status === "paid" ? "ok" : status === "overdue" ? "bad" : "warn";
}

function AddItem({ companyId, period, onAdded }: { companyId: string; period: string; onAdded: () => void }) {
  const [kind, setKind] = useState("vat");
  const [amount, setAmount] = useState("");
  const [due, setDue] = useState("");
  const { busy, error, setError, run } = useAction();
  return (
    <form
      className="row wrap add-item"
      onSubmit={async (e) => {
        e.preventDefault();
        const grosze = parseGrosze(amount);
        if (!grosze) {
          setError("Podaj kwotę, np. 1234,56.");
          return;
        }
        const ok = await run(() => taxes.createItem(companyId, { kind, period, amount_grosze: grosze, due_date: due }));
        if (ok) {
          setAmount("");
          onAdded();
        }
      }}
    >
      <div className="field">
        <label htmlFor="add-kind">Rodzaj</label>
        <select id="add-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          {Object.entries(KINDS).map(([k, l]) => (
            <option key={k} value={k}>{l}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="add-amount">Kwota (zł)</label>
        <input id="add-amount" inputMode="decimal" required value={amount} onChange={(e) => setAmount(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="add-due">Termin płatności</label>
        <input id="add-due" type="date" required value={due} onChange={(e) => setDue(e.target.value)} />
      </div>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        Dodaj pozycję
      </button>
      <Alert>{error}</Alert>
    </form>
  );
}

export function MonthDetails({
  companyId,
  period,
  office,
  onChanged,
  onClose,
}: {
  companyId: string;
  period: string;
  office: boolean;
  onChanged: () => void;
  onClose: () => void;
}) {
  const month = useLoad(() => taxes.month(companyId, period), [companyId, period]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [account, setAccount] = useState("");
  const action = useAction();
  const [notice, setNotice] = useState("");
  const refresh = () => {
    month.reload();
    onChanged();
  };
  const markPaid = async (item: TaxItem) => {
    const ok = await action.run(() => taxes.markPaid(companyId, item.id, todayIso()));
    if (ok) {
      setNotice(`Oznaczono jako opłacone: ${item.title}.`);
      refresh();
    }
  };
  const exportTransfers = async () => {
    const ok = await action.run(async () => {
      await taxes.exportTransfers(companyId, [...selected], account.replace(/\s/g, ""));
      return true;
    });
    if (ok) setNotice("Plik przelewów (Elixir-O) pobrany — zaimportuj go w banku.");
  };
  const items = month.data?.items ?? [];
  return (
    <section className="card month-details" aria-labelledby="month-h">
      <div className="row spread">
        <h2 id="month-h" className="h3">{formatPeriod(period)}</h2>
        <button type="button" className="btn btn-small" onClick={onClose}>
          Zamknij
        </button>
      </div>
      {month.loading ? <Loading /> : null}
      <Alert>{month.error || action.error}</Alert>
      <Alert kind="success">{notice}</Alert>
      {items.length === 0 && !month.loading ? <p>Brak podatków i opłat w tym miesiącu.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col" className="check"><span className="sr-only">Zaznacz</span></th>
                <th scope="col">Pozycja</th>
                <th scope="col" className="num">Kwota</th>
                <th scope="col">Termin</th>
                <th scope="col">Status</th>
                <th scope="col" className="hide-phone">Rachunek</th>
                <th scope="col"><span className="sr-only">Działania</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td className="check">
                    <input
                      type="checkbox"
                      aria-label={`Zaznacz ${item.title}`}
                      disabled={item.outstanding_grosze === 0}
                      checked={selected.has(item.id)}
                      onChange={() =>
                        setSelected((s) => {
                          const next = new Set(s);
                          if (next.has(item.id)) next.delete(item.id);
                          else next.add(item.id);
                          return next;
                        })
                      }
                    />
                  </td>
                  <td>
                    <strong>{KINDS[item.kind] ?? item.kind}</strong> <span className="block">{item.title}</span>
                  </td>
                  <td className="num">
                    {formatGrosze(item.amount_grosze)}
                    {item.paid_grosze > 0 && item.outstanding_grosze > 0 ? (
                      <small className="block muted">pozostało {formatGrosze(item.outstanding_grosze)}</small>
                    ) : null}
                  </td>
                  <td>{formatDate(item.due_date)}</td>
                  <td>
                    <StatusBadge tone={tone(item.status)}>{TAX_STATUS_LABELS[item.status] ?? item.status}</StatusBadge>
                  </td>
                  <td className="hide-phone mono small">
                    {item.recipient}
                    <span className="block">{item.account_display}</span>
                  </td>
                  <td>
                    {item.status !== "paid" ? (
                      <button type="button" className="btn btn-small" disabled={action.busy} onClick={() => void markPaid(item)}>
                        Oznacz jako opłacone
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {selected.size > 0 ? (
        <form
          className="row wrap"
          onSubmit={(e) => {
            e.preventDefault();
            void exportTransfers();
          }}
        >
          <div className="field grow">
            <label htmlFor="from-account">Twój rachunek (NRB), z którego zapłacisz</label>
            <input id="from-account" required minLength={26} value={account} onChange={(e) => setAccount(e.target.value)} />
          </div>
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            Eksportuj przelewy ({selected.size})
          </button>
        </form>
      ) : null}
      {office ? (
        <>
          <h3 className="h4">Dodaj podatek lub opłatę</h3>
          <AddItem companyId={companyId} period={period} onAdded={refresh} />
        </>
      ) : null}
    </section>
  );
}
