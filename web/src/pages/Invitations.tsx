// Invitations waiting for the user's answer: accept (join the organisation) or reject.
import { useState } from "react";
import { Link } from "react-router-dom";
import { auth, ROLE_LABELS } from "../api/auth";
import { Alert, PageHeader, messageOf } from "../components/ui";
import { formatDate } from "../format";
import { useSession } from "../session/SessionContext";

export function Invitations() {
  const { invitations, reload, context, contexts } = useSession();
  const [error, setError] = useState("");
  const [done, setDone] = useState("");

  async function decide(id: string, accept: boolean) {
    setError("");
    try {
      const inv = accept ? await auth.acceptInvitation(id) : await auth.rejectInvitation(id);
      setDone(accept ? `Dołączono do: ${inv.org.name}.` : `Odrzucono zaproszenie od: ${inv.org.name}.`);
      await reload();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <div className="narrow">
      <PageHeader title="Zaproszenia" />
      <Alert>{error}</Alert>
      <Alert kind="success">{done}</Alert>
      {invitations.length === 0 ? <p>Nie masz oczekujących zaproszeń.</p> : null}
      <ul className="card-list">
        {invitations.map((inv) => (
          <li key={inv.id} className="card">
            <h2 className="h3">{inv.org.name}</h2>
            <p>
              {inv.inviter_name ? `${inv.inviter_name} zaprasza Cię` : "Zaproszenie"} z rolą{" "}
              <strong>{ROLE_LABELS[inv.role] ?? inv.role}</strong>. Ważne do {formatDate(inv.expires_at)}.
            </p>
            <div className="row">
              <button type="button" className="btn btn-primary" onClick={() => void decide(inv.id, true)}>
                Przyjmij
              </button>
              <button type="button" className="btn" onClick={() => void decide(inv.id, false)}>
                Odrzuć
              </button>
            </div>
          </li>
        ))}
      </ul>
      <p className="row wrap">
        {contexts.length > 1 || !context ? <Link to="/kontekst">Wybierz organizację</Link> : null}
        {context ? <Link to="/">Wróć do portalu</Link> : null}
      </p>
    </div>
  );
}
