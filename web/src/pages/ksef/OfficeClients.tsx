// The office's clients with KSeF authorisation and sync status, "verify again", onboarding.
import { useMemo, useState } from "react";
import { Link } from "react-router-dom";
import { auth } from "../../api/auth";
import { ksef, type CompanyKsef } from "../../api/ksef";
import { Alert, Loading, Modal, PageHeader, useAction, useLoad } from "../../components/ui";
import { forgetClients } from "../../session/company";
import { useSession } from "../../session/SessionContext";
import { AuthBadge, lastSync, syncError } from "./KsefStatus";

const PAGE = 100;

function Onboarding({ officeNip }: { officeNip: string }) {
  return (
    <details className="card onboarding">
      <summary>Jak klient nadaje biuru uprawnienie w KSeF?</summary>
      <ol>
        <li>Klient loguje się do Aplikacji Podatnika KSeF (profilem zaufanym, podpisem kwalifikowanym lub pieczęcią).</li>
        <li>
          Wybiera <em>Uprawnienia</em> → <em>Nadaj uprawnienia podmiotowi</em> i wpisuje NIP biura: <strong className="mono">{officeNip}</strong>.
        </li>
        <li>
          Zaznacza uprawnienie <strong>przeglądanie faktur</strong> (InvoiceRead) oraz <strong>możliwość dalszego przekazywania</strong>,
          jeśli biuro ma działać przez swoich pracowników.
        </li>
        <li>Zapisuje zmiany. Tutaj wybierz klienta i kliknij „Sprawdź ponownie” — status zmieni się na „aktywna”.</li>
      </ol>
      <p className="small muted">
        Wystarczy to raz dla każdego klienta; biuro loguje się swoim certyfikatem i pobiera faktury wszystkich klientów,
        którzy nadali uprawnienie.
      </p>
    </details>
  );
}

function AddClient({ onAdded }: { onAdded: () => void }) {
  const [open, setOpen] = useState(false);
  const [nip, setNip] = useState("");
  const [name, setName] = useState("");
  const { busy, error, run } = useAction();
  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)}>
        Dodaj klienta
      </button>
      <Modal title="Nowy klient" open={open} onClose={() => setOpen(false)}>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const ok = await run(() => auth.addClients([{ nip: nip.replace(/\D/g, ""), name: name.trim() }]));
            if (ok) {
              setOpen(false);
              setNip("");
              setName("");
              forgetClients();
              onAdded();
            }
          }}
        >
          <div className="field">
            <label htmlFor="client-nip">NIP</label>
            <input id="client-nip" required inputMode="numeric" value={nip} onChange={(e) => setNip(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="client-name">Nazwa firmy</label>
            <input id="client-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <Alert>{error}</Alert>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Dodaj
          </button>
        </form>
      </Modal>
    </>
  );
}

export function OfficeClients() {
  const { context } = useSession();
  const list = useLoad(() => ksef.officeClients(), []);
  const [filter, setFilter] = useState("");
  const [page, setPage] = useState(0);
  const action = useAction();
  const [notice, setNotice] = useState("");
  const rows = useMemo(() => {
    const f = filter.trim().toLocaleLowerCase("pl");
    const all = list.data ?? [];
    return f ? all.filter((c) => c.name.toLocaleLowerCase("pl").includes(f) || c.nip.includes(f)) : all;
  }, [list.data, filter]);
  const shown = rows.slice(page * PAGE, (page + 1) * PAGE);

  const verify = async (c: CompanyKsef) => {
    const updated = await action.run(() => ksef.verifyClient(c.company_id));
    if (updated) {
      list.setData((all) => (all ?? []).map((x) => (x.company_id === c.company_id ? updated : x)));
      setNotice(`Sprawdzono: ${c.name}.`);
    }
  };
  const verifyAll = async () => {
    const r = await action.run(() => ksef.verifyAll());
    if (r) {
      setNotice(`Sprawdzono uprawnienia ${r.length} klientów.`);
      list.reload();
    }
  };

  return (
    <div>
      <PageHeader title="Klienci i KSeF">
        <button type="button" className="btn" disabled={action.busy} onClick={() => void verifyAll()}>
          Sprawdź wszystkich ponownie
        </button>
        <AddClient onAdded={list.reload} />
      </PageHeader>
      <Onboarding officeNip={context?.org.nip ?? ""} />
      <Alert>{list.error || action.error}</Alert>
      <Alert kind="success">{notice}</Alert>
      <div className="field">
        <label htmlFor="clients-filter">Szukaj klienta</label>
        <input
          id="clients-filter"
          type="search"
          placeholder="nazwa lub NIP"
          value={filter}
          onChange={(e) => {
            setFilter(e.target.value);
            setPage(0);
          }}
        />
      </div>
      {list.loading ? <Loading /> : null}
      <div className="table-wrap">
        <table className="data-table">
          <caption className="sr-only">Klienci biura ze stanem autoryzacji KSeF</caption>
          <thead>
            <tr>
              <th scope="col">Firma</th>
              <th scope="col" className="hide-phone">NIP</th>
              <th scope="col">Autoryzacja KSeF</th>
              <th scope="col" className="hide-phone">Ostatnia synchronizacja</th>
              <th scope="col"><span className="sr-only">Działania</span></th>
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <tr key={c.company_id}>
                <td>
                  <Link to={`/ksef?firma=${c.company_id}`}>{c.name}</Link>
                  {c.authorization?.message && c.authorization.status !== "active" ? (
                    <small className="block muted">{c.authorization.message}</small>
                  ) : null}
                </td>
                <td className="hide-phone mono">{c.nip}</td>
                <td>
                  <AuthBadge company={c} />
                </td>
                <td className="hide-phone">
                  {lastSync(c)}
                  {syncError(c) ? <small className="block field-error">{syncError(c)}</small> : null}
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={action.busy}
                    aria-label={`Sprawdź ponownie: ${c.name}`}
                    onClick={() => void verify(c)}
                  >
                    Sprawdź ponownie
                  </button>
                  <Link className="btn btn-small" to={`/faktury?firma=${c.company_id}`} aria-label={`Faktury: ${c.name}`}>
                    Faktury
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > PAGE ? (
        <nav className="pager" aria-label="Strony listy klientów">
          <button type="button" className="btn btn-small" disabled={page === 0} onClick={() => setPage(page - 1)}>
            ← Poprzednia
          </button>
          <span>
            Strona {page + 1} z {Math.ceil(rows.length / PAGE)}
          </span>
          <button type="button" className="btn btn-small" disabled={(page + 1) * PAGE >= rows.length} onClick={() => setPage(page + 1)}>
            Następna →
          </button>
        </nav>
      ) : null}
    </div>
  );
}
