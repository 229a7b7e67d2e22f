// Choose the organisation to work in (an office or one of the user's companies).
import { useState } from "react";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { ROLE_LABELS } from "../api/auth";
import { Alert, PageHeader, messageOf } from "../components/ui";
import { forgetClients } from "../session/company";
import { useSession } from "../session/SessionContext";

export function ContextChoice() {
  const { contexts, context, chooseContext, invitations } = useSession();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? "/";
  const [error, setError] = useState("");
  const [busy, setBusy] = useState<string | null>(null);

  async function choose(orgId: string) {
    setBusy(orgId);
    setError("");
    try {
      await chooseContext(orgId);
      forgetClients();
      sessionStorage.removeItem("rachmistrz.company");
      navigate(from, { replace: true });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="narrow">
      <PageHeader title="Wybierz organizację" />
      <p>Pracujesz w kilku organizacjach. Wybierz, w której chcesz teraz pracować — możesz to zmienić w każdej chwili.</p>
      <Alert>{error}</Alert>
      {contexts.length === 0 ? (
        <Alert kind="info">
          Nie należysz jeszcze do żadnej organizacji.{" "}
          {invitations.length > 0 ? <Link to="/zaproszenia">Zobacz oczekujące zaproszenia.</Link> : null}
        </Alert>
      ) : null}
      <ul className="choice-list">
        {contexts.map((c) => (
          <li key={c.org.id}>
            <button
              type="button"
              className={context?.org.id === c.org.id ? "choice current" : "choice"}
              onClick={() => void choose(c.org.id)}
              disabled={busy !== null}
              aria-current={context?.org.id === c.org.id ? "true" : undefined}
            >
              <span className="choice-title">{c.org.name}</span>
              <span className="choice-meta">
                {c.org.kind === "office" ? "Biuro rachunkowe" : "Firma"} · NIP {c.org.nip} · rola:{" "}
                {ROLE_LABELS[c.role] ?? c.role}
                {c.org.kind === "office" && !c.all_clients ? " · tylko przypisani klienci" : ""}
              </span>
              {busy === c.org.id ? <span className="choice-meta">Przełączanie…</span> : null}
            </button>
          </li>
        ))}
      </ul>
      {invitations.length > 0 ? (
        <p>
          <Link to="/zaproszenia">Masz {invitations.length} oczekujące zaproszenie(a).</Link>
        </p>
      ) : null}
    </div>
  );
}
