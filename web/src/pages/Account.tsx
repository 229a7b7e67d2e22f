// The user's account: password, second factor, e-mail notifications, KSeF status shortcut.
import { useEffect, useState, type FormEvent } from "react";
import { Link, useLocation } from "react-router-dom";
import { auth } from "../api/auth";
import { messaging, type NotificationCategory } from "../api/messaging";
import { Alert, Field, PageHeader, useAction } from "../components/ui";
import { isOffice, useSession } from "../session/SessionContext";
import { validatePassword } from "./Activation";

function ChangePassword() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [done, setDone] = useState(false);
  const { busy, error, setError, run } = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const problem = validatePassword(next, repeat);
    if (problem) return setError(problem);
    const ok = await run(async () => {
      await auth.changePassword(current, next);
      return true;
    });
    if (ok) {
      setDone(true);
      setCurrent("");
      setNext("");
      setRepeat("");
    }
  }
  return (
    <section className="card" aria-labelledby="pw-h">
      <h2 id="pw-h" className="h3">Zmiana hasła</h2>
      <form onSubmit={submit}>
        <Alert>{error}</Alert>
        {done ? <Alert kind="success">Hasło zmienione. Inne sesje zostały zakończone.</Alert> : null}
        <Field label="Obecne hasło" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        <Field label="Nowe hasło" type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} />
        <Field label="Powtórz nowe hasło" type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Zmień hasło
        </button>
      </form>
    </section>
  );
}

function SecondFactor() {
  const { user, reload } = useSession();
  const [setup, setSetup] = useState<{ secret: string; qr_svg: string } | null>(null);
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [codes, setCodes] = useState<string[] | null>(null);
  const { busy, error, run } = useAction();
  return (
    <section className="card" aria-labelledby="tfa-h">
      <h2 id="tfa-h" className="h3">Drugi składnik logowania</h2>
      <Alert>{error}</Alert>
      {codes ? (
        <Alert kind="success">
          Drugi składnik włączony. Zapisz kody odzyskiwania (pokazujemy je tylko raz):
          <ul className="mono">{codes.map((c) => <li key={c}>{c}</li>)}</ul>
        </Alert>
      ) : null}
      {user?.totp_enabled ? (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (await run(async () => { await auth.disableTotp(password, code); return true; })) {
              setCode("");
              setPassword("");
              await reload();
            }
          }}
        >
          <p>Drugi składnik jest włączony.</p>
          <Field label="Hasło" type="password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          <Field label="Kod z aplikacji" inputMode="numeric" required value={code} onChange={(e) => setCode(e.target.value)} />
          <button type="submit" className="btn" disabled={busy}>Wyłącz drugi składnik</button>
        </form>
      ) : setup ? (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await run(() => auth.confirmTotp(code.trim()));
            if (r) {
              setCodes(r.recovery_codes);
              setSetup(null);
              setCode("");
              await reload();
            }
          }}
        >
          <p>Zeskanuj kod QR w aplikacji uwierzytelniającej albo wpisz klucz: <code>{setup.secret}</code></p>
          <div className="qr" role="img" aria-label="Kod QR do aplikacji uwierzytelniającej" dangerouslySetInnerHTML={{ __html: setup.qr_svg }} />
          <Field label="Kod z aplikacji" inputMode="numeric" autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} />
          <button type="submit" className="btn btn-primary" disabled={busy}>Potwierdź i włącz</button>
        </form>
      ) : (
        <>
          <p>Chroń konto kodem z aplikacji (np. Google Authenticator, Aegis) przy każdym logowaniu.</p>
          <button type="button" className="btn" disabled={busy} onClick={async () => { const s = await run(() => auth.startTotp()); if (s) setSetup(s); }}>
            Włącz drugi składnik
          </button>
        </>
      )}
    </section>
  );
}

function Notifications() {
  const [items, setItems] = useState<NotificationCategory[] | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  useEffect(() => {
    void run(() => messaging.notificationSettings()).then((r) => r && setItems(r.email));
  }, [run]);
  return (
    <section className="card" id="powiadomienia" aria-labelledby="notif-h">
      <h2 id="notif-h" className="h3">Powiadomienia e-mail</h2>
      <Alert>{error}</Alert>
      {saved ? <Alert kind="success">Zapisano ustawienia powiadomień.</Alert> : null}
      {items ? (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await run(() => messaging.saveNotificationSettings(Object.fromEntries(items.map((i) => [i.key, i.enabled]))));
            if (r) {
              setItems(r.email);
              setSaved(true);
            }
          }}
        >
          <fieldset>
            <legend>Wysyłaj mi e-mail, gdy:</legend>
            {items.map((i) => (
              <label key={i.key} className="checkbox">
                <input
                  type="checkbox"
                  checked={i.enabled}
                  onChange={(e) => {
                    setSaved(false);
                    setItems(items.map((x) => (x.key === i.key ? { ...x, enabled: e.target.checked } : x)));
                  }}
                />{" "}
                {i.label}
              </label>
            ))}
          </fieldset>
          <p className="small muted">Wiadomości dotyczące konta (aktywacja, reset hasła) wysyłamy zawsze.</p>
          <button type="submit" className="btn btn-primary" disabled={busy}>Zapisz</button>
        </form>
      ) : null}
    </section>
  );
}

export function Account() {
  const { user, context } = useSession();
  const { hash } = useLocation();
  useEffect(() => {
    if (hash) document.getElementById(hash.slice(1))?.scrollIntoView();
  }, [hash]);
  return (
    <div className="narrow">
      <PageHeader title="Moje konto" />
      <p>
        {user?.full_name} · {user?.email}
      </p>
      <p>
        <Link to={isOffice(context) ? "/klienci" : "/ksef"}>Certyfikaty i stan autoryzacji KSeF →</Link>
      </p>
      <ChangePassword />
      <SecondFactor />
      <Notifications />
    </div>
  );
}
