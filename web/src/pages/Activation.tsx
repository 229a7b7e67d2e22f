// Activation and password reset from an e-mailed link: set a password, then log in.
import { useEffect, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { auth } from "../api/auth";
import { Alert, Field, Loading, messageOf } from "../components/ui";

export function validatePassword(password: string, repeat: string): string {
  if (password.length < 10) return "Hasło musi mieć co najmniej 10 znaków.";
  if (password !== repeat) return "Hasła nie są takie same.";
  return "";
}

export function SetPassword({ purpose }: { purpose: "activation" | "reset" }) {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const navigate = useNavigate();
  const [who, setWho] = useState<{ email: string; full_name: string | null } | null>(null);
  const [checking, setChecking] = useState(purpose === "activation");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  useEffect(() => {
    if (purpose !== "activation" || !token) {
      setChecking(false);
      return;
    }
    auth
      .describeActivation(token)
      .then(setWho)
      .catch((e) => setError(messageOf(e)))
      .finally(() => setChecking(false));
  }, [purpose, token]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problem = validatePassword(password, repeat);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError("");
    try {
      if (purpose === "activation") await auth.activate(token, password);
      else await auth.confirmReset(token, password);
      setDone(true);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const title = purpose === "activation" ? "Aktywacja konta" : "Nowe hasło";
  if (!token) {
    return (
      <div className="auth-page">
        <div className="card auth-card">
          <h1>{title}</h1>
          <Alert>Link jest niepełny. Otwórz go jeszcze raz z wiadomości e-mail.</Alert>
        </div>
      </div>
    );
  }
  return (
    <div className="auth-page">
      <form className="card auth-card" onSubmit={submit} noValidate>
        <h1>{title}</h1>
        {checking ? <Loading /> : null}
        {who ? (
          <p>
            Konto: <strong>{who.full_name ? `${who.full_name} (${who.email})` : who.email}</strong>
          </p>
        ) : null}
        {done ? (
          <>
            <Alert kind="success">
              {purpose === "activation" ? "Konto jest aktywne." : "Hasło zostało zmienione."} Możesz się zalogować.
            </Alert>
            <button type="button" className="btn btn-primary" onClick={() => navigate("/logowanie")}>
              Przejdź do logowania
            </button>
          </>
        ) : (
          <>
            <Alert>{error}</Alert>
            <Field
              label="Nowe hasło"
              type="password"
              autoComplete="new-password"
              hint="Co najmniej 10 znaków; nie używaj popularnych haseł."
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <Field
              label="Powtórz hasło"
              type="password"
              autoComplete="new-password"
              required
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
            />
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? "Zapisywanie…" : purpose === "activation" ? "Ustaw hasło i aktywuj" : "Zmień hasło"}
            </button>
          </>
        )}
        <p>
          <Link to="/logowanie">Wróć do logowania</Link>
        </p>
      </form>
    </div>
  );
}

export function ForgotPassword() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const [error, setError] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      await auth.requestReset(email.trim());
      setSent(true);
    } catch (err) {
      setError(messageOf(err));
    }
  }
  return (
    <div className="auth-page">
      <form className="card auth-card" onSubmit={submit}>
        <h1>Nie pamiętam hasła</h1>
        {sent ? (
          <Alert kind="success">Jeśli konto istnieje, wysłaliśmy na ten adres link do ustawienia nowego hasła.</Alert>
        ) : (
          <>
            <Alert>{error}</Alert>
            <Field label="E-mail" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
            <button type="submit" className="btn btn-primary">Wyślij link</button>
          </>
        )}
        <p>
          <Link to="/logowanie">Wróć do logowania</Link>
        </p>
      </form>
    </div>
  );
}
