// Login with e-mail and password; a second step asks for the authenticator or recovery code.
import { useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { auth } from "../api/auth";
import { ApiError } from "../api/client";
import { Alert, Field, messageOf } from "../components/ui";
import { useSession } from "../session/SessionContext";

export function Login() {
  const { signIn, chooseContext } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [secondFactor, setSecondFactor] = useState(false);
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      const answer = await auth.login({
        email: email.trim(),
        password,
        totp_code: secondFactor && !useRecovery ? code.trim() : undefined,
        recovery_code: secondFactor && useRecovery ? code.trim() : undefined,
      });
      signIn(answer);
      if (answer.context) navigate(from, { replace: true });
      else if (answer.contexts.length === 1) {
        await chooseContext(answer.contexts[0].org.id);
        navigate(from, { replace: true });
      } else if (answer.contexts.length === 0 && answer.pending_invitations.length > 0) {
        navigate("/zaproszenia", { replace: true });
      } else navigate("/kontekst", { replace: true, state: { from } });
    } catch (err) {
      if (err instanceof ApiError && err.code === "second_factor_required") {
        setSecondFactor(true);
        setError("");
      } else setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth-page">
      <form className="card auth-card" onSubmit={submit} noValidate>
        <h1>Logowanie</h1>
        <p className="muted">Rachmistrz — portal biura rachunkowego i jego klientów</p>
        <Alert>{error}</Alert>
        {!secondFactor ? (
          <>
            <Field label="E-mail" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
            <Field
              label="Hasło"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </>
        ) : (
          <>
            <p>Drugi składnik logowania jest włączony dla tego konta.</p>
            <Field
              label={useRecovery ? "Kod odzyskiwania" : "Kod z aplikacji uwierzytelniającej"}
              inputMode={useRecovery ? "text" : "numeric"}
              autoComplete="one-time-code"
              autoFocus
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            <button type="button" className="link-button" onClick={() => setUseRecovery((r) => !r)}>
              {useRecovery ? "Użyj kodu z aplikacji" : "Nie mam dostępu do aplikacji — użyj kodu odzyskiwania"}
            </button>
          </>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Logowanie…" : secondFactor ? "Potwierdź" : "Zaloguj się"}
        </button>
        <p>
          <Link to="/nie-pamietam-hasla">Nie pamiętam hasła</Link>
        </p>
      </form>
    </div>
  );
}
