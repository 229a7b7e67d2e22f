// A company's KSeF authorisation: by token, by external signature (download the XML, upload it
// signed), by certificate, or (office) by the office's central authorisation; sync now.
import { useState } from "react";
import { ksef } from "../../api/ksef";
import { CompanyPicker } from "../../components/CompanyPicker";
import { Alert, Loading, PageHeader, useAction, useLoad } from "../../components/ui";
import { formatDateTime } from "../../format";
import { useRequiredCompany } from "../../session/company";
import { AuthBadge, SyncTable } from "./KsefStatus";

type Method = "token" | "signed" | "certificate" | "office";

async function readFile(input: HTMLInputElement | null): Promise<string> {
  const file = input?.files?.[0];
  return file ? await file.text() : "";
}

export function CompanyKsef() {
  const { companyId, office } = useRequiredCompany();
  const status = useLoad(async () => (companyId ? ksef.status(companyId) : null), [companyId]);
  const [method, setMethod] = useState<Method>(office ? "office" : "token");
  const [token, setToken] = useState("");
  const [password, setPassword] = useState("");
  const [notice, setNotice] = useState("");
  const action = useAction();

  const apply = async (fn: () => Promise<unknown>, message: string) => {
    const result = await action.run(fn);
    if (result !== undefined) {
      setNotice(message);
      status.reload();
    }
  };

  const company = status.data;
  return (
    <div>
      <PageHeader title="Autoryzacja KSeF">
        {companyId ? (
          <button type="button" className="btn" disabled={action.busy} onClick={() => void apply(() => ksef.syncNow(companyId), "Synchronizacja zlecona.")}>
            Synchronizuj teraz
          </button>
        ) : null}
      </PageHeader>
      {office ? <CompanyPicker /> : null}
      {!companyId ? null : (
        <>
          {status.loading && !company ? <Loading /> : null}
          <Alert>{status.error || action.error}</Alert>
          <Alert kind="success">{notice}</Alert>
          {company ? (
            <section className="card" aria-labelledby="ksef-now">
              <h2 id="ksef-now" className="h3">
                {company.name} · NIP {company.nip}
              </h2>
              <p>
                <AuthBadge company={company} />
                {company.authorization?.valid_until ? ` ważna do ${formatDateTime(company.authorization.valid_until)}` : ""}
              </p>
              {company.authorization?.message ? <p>{company.authorization.message}</p> : null}
              {company.authorization?.permissions.length ? (
                <p className="small">Uprawnienia: {company.authorization.permissions.join(", ")}</p>
              ) : null}
              <SyncTable company={company} />
              {company.authorization && company.authorization.method !== "none" ? (
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => {
                    if (window.confirm("Usunąć autoryzację KSeF? Synchronizacja faktur zostanie zatrzymana.")) {
                      void apply(async () => {
                        await ksef.remove(companyId);
                        return true;
                      }, "Autoryzację usunięto.");
                    }
                  }}
                >
                  Usuń autoryzację
                </button>
              ) : null}
            </section>
          ) : null}
          <section className="card" aria-labelledby="ksef-set">
            <h2 id="ksef-set" className="h3">Ustaw autoryzację</h2>
            <fieldset className="radio-row">
              <legend>Sposób</legend>
              {(
                [
                  ["token", "Token KSeF"],
                  ["signed", "Podpis zewnętrzny (XML)"],
                  ["certificate", "Certyfikat"],
                  ...(office ? [["office", "Uprawnienie nadane biuru"]] : []),
                ] as [Method, string][]
              ).map(([m, label]) => (
                <label key={m} className="radio">
                  <input type="radio" name="ksef-method" value={m} checked={method === m} onChange={() => setMethod(m)} /> {label}
                </label>
              ))}
            </fieldset>
            {method === "token" ? (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  void apply(() => ksef.useToken(companyId, token.trim()), "Token zapisany; połączenie z KSeF sprawdzone.");
                }}
              >
                <div className="field">
                  <label htmlFor="ksef-token">Token KSeF</label>
                  <input id="ksef-token" type="password" autoComplete="off" required minLength={20} value={token} onChange={(e) => setToken(e.target.value)} />
                  <small className="hint">Token wygenerujesz w Aplikacji Podatnika KSeF. Logowanie tokenem działa do końca 2026 r.</small>
                </div>
                <button type="submit" className="btn btn-primary" disabled={action.busy}>
                  Zapisz token
                </button>
              </form>
            ) : null}
            {method === "signed" ? (
              <div>
                <ol>
                  <li>
                    <button type="button" className="btn" onClick={() => void action.run(() => ksef.downloadAuthRequest(companyId))}>
                      Pobierz plik XML do podpisu
                    </button>{" "}
                    <span className="small muted">(ważny 10 minut)</span>
                  </li>
                  <li>Podpisz go podpisem kwalifikowanym, pieczęcią lub profilem zaufanym (XAdES).</li>
                  <li>
                    <label htmlFor="signed-xml">Prześlij podpisany plik</label>{" "}
                    <input
                      id="signed-xml"
                      type="file"
                      accept=".xml,application/xml,text/xml"
                      onChange={(e) => {
                        const file = e.target.files?.[0];
                        if (file) void apply(() => ksef.uploadSigned(companyId, file), "Podpisany plik przyjęty; zalogowano do KSeF.");
                      }}
                    />
                  </li>
                </ol>
              </div>
            ) : null}
            {method === "certificate" ? (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  const form = e.currentTarget;
                  void apply(async () => {
                    const cert = await readFile(form.elements.namedItem("cert") as HTMLInputElement);
                    const key = await readFile(form.elements.namedItem("key") as HTMLInputElement);
                    return ksef.useCertificate(companyId, cert, key, password);
                  }, "Certyfikat zapisany; połączenie z KSeF sprawdzone.");
                }}
              >
                <div className="field">
                  <label htmlFor="cert-file">Certyfikat KSeF (.crt, .pem)</label>
                  <input id="cert-file" name="cert" type="file" required accept=".crt,.pem,.cer" />
                </div>
                <div className="field">
                  <label htmlFor="key-file">Klucz prywatny (.key, .pem)</label>
                  <input id="key-file" name="key" type="file" required accept=".key,.pem" />
                </div>
                <div className="field">
                  <label htmlFor="key-pass">Hasło klucza (jeśli jest)</label>
                  <input id="key-pass" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
                </div>
                <button type="submit" className="btn btn-primary" disabled={action.busy}>
                  Zapisz certyfikat
                </button>
              </form>
            ) : null}
            {method === "office" ? (
              <div>
                <p>Biuro pobiera faktury tej firmy swoim certyfikatem, jeśli firma nadała biuru w KSeF uprawnienie do przeglądania faktur.</p>
                <button type="button" className="btn btn-primary" disabled={action.busy} onClick={() => void apply(() => ksef.useOffice(companyId), "Ustawiono autoryzację przez biuro.")}>
                  Użyj uprawnienia biura
                </button>
              </div>
            ) : null}
          </section>
        </>
      )}
    </div>
  );
}
