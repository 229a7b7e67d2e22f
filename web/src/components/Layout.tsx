// The app shell: skip link, header with context and user menu, navigation, the screen.
import { useEffect, useRef, useState } from "react";
import { Link, NavLink, Outlet, useLocation, useNavigate } from "react-router-dom";
import { ROLE_LABELS } from "../api/auth";
import { messaging, subscribeMessages } from "../api/messaging";
import { isOffice, useSession } from "../session/SessionContext";

function useUnread(): number {
  const [unread, setUnread] = useState(0);
  const { context } = useSession();
  useEffect(() => {
    if (!context) return;
    let live = true;
    const load = () =>
      messaging
        .unread()
        .then((u) => live && setUnread(u.unread))
        .catch(() => undefined);
    void load();
    const timer = setInterval(load, 60_000);
    const close = subscribeMessages(() => void load());
    return () => {
      live = false;
      clearInterval(timer);
      close();
    };
  }, [context]);
  return unread;
}

function UserMenu() {
  const { user, signOut, context, contexts } = useSession();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const navigate = useNavigate();
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);
  const go = (path: string) => {
    setOpen(false);
    navigate(path);
  };
  return (
    <div className="user-menu" ref={ref}>
      <button
        type="button"
        className="user-button"
        aria-haspopup="true"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="avatar" aria-hidden="true">
          {(user?.full_name ?? user?.email ?? "?").slice(0, 1).toUpperCase()}
        </span>
        <span className="user-name">{user?.full_name ?? user?.email}</span>
        <span className="sr-only"> — menu użytkownika</span>
      </button>
      {open ? (
        <ul className="menu" aria-label="Menu użytkownika">
          <li className="menu-note">
            {user?.email}
            {context ? ` · ${ROLE_LABELS[context.role] ?? context.role}` : ""}
          </li>
          <li>
            <button type="button" onClick={() => go("/konto")}>Moje konto i hasło</button>
          </li>
          <li>
            <button type="button" onClick={() => go("/konto#powiadomienia")}>Powiadomienia</button>
          </li>
          <li>
            <button type="button" onClick={() => go(isOffice(context) ? "/klienci" : "/ksef")}>
              Certyfikaty i autoryzacja KSeF
            </button>
          </li>
          {contexts.length > 1 ? (
            <li>
              <button type="button" onClick={() => go("/kontekst")}>Zmień organizację</button>
            </li>
          ) : null}
          <li>
            <button type="button" onClick={() => go("/zaproszenia")}>Zaproszenia</button>
          </li>
          <li>
            <button
              type="button"
              onClick={async () => {
                setOpen(false);
                await signOut();
                navigate("/logowanie");
              }}
            >
              Wyloguj
            </button>
          </li>
        </ul>
      ) : null}
    </div>
  );
}

export function Layout() {
  const { context, invitations } = useSession();
  const unread = useUnread();
  const [navOpen, setNavOpen] = useState(false);
  const location = useLocation();
  const office = isOffice(context);
  // Move focus to the new screen's heading, so keyboard and screen-reader users know it changed;
  // not on the first screen, where the skip link must stay the first stop of the Tab key.
  const firstScreen = useRef(true);
  useEffect(() => {
    setNavOpen(false);
    if (firstScreen.current) {
      firstScreen.current = false;
      return;
    }
    const h = document.getElementById("page-title");
    if (h && location.hash === "") h.focus({ preventScroll: true });
  }, [location.pathname, location.hash]);
  const keep = (path: string) => {
    const firma = new URLSearchParams(location.search).get("firma");
    return firma ? `${path}?firma=${firma}` : path;
  };
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Przejdź do treści
      </a>
      <header className="topbar">
        <button
          type="button"
          className="nav-toggle"
          aria-expanded={navOpen}
          aria-controls="main-nav"
          onClick={() => setNavOpen((o) => !o)}
        >
          <span aria-hidden="true">☰</span>
          <span className="sr-only">Menu</span>
        </button>
        <Link to="/" className="brand">
          Rachmistrz
        </Link>
        <Link to="/kontekst" className="context-name" title="Zmień organizację">
          {context?.org.name ?? "Wybierz organizację"}
        </Link>
        <UserMenu />
      </header>
      <div className="body">
        <nav id="main-nav" className={navOpen ? "sidenav open" : "sidenav"} aria-label="Menu główne">
          <ul>
            <li><NavLink to={keep("/")} end>Pulpit</NavLink></li>
            <li>
              {/* not lit on /faktury/nowa, which has its own entry */}
              <NavLink
                to={keep("/faktury")}
                className={({ isActive }) => (isActive && location.pathname !== "/faktury/nowa" ? "active" : undefined)}
                aria-current={location.pathname.startsWith("/faktury") && location.pathname !== "/faktury/nowa" ? "page" : undefined}
              >
                Faktury
              </NavLink>
            </li>
            <li><NavLink to={keep("/podatki")}>Podatki i opłaty</NavLink></li>
            <li>
              <NavLink to={keep("/wiadomosci")}>
                Wiadomości
                {unread > 0 ? (
                  <span className="count">
                    <span aria-hidden="true">{unread}</span>
                    <span className="sr-only">{unread} nieprzeczytanych</span>
                  </span>
                ) : null}
              </NavLink>
            </li>
            <li><NavLink to={keep("/pliki")}>Pliki</NavLink></li>
            {office ? (
              <li><NavLink to="/klienci">Klienci i KSeF</NavLink></li>
            ) : (
              <li><NavLink to="/ksef">Autoryzacja KSeF</NavLink></li>
            )}
            {!office ? <li><NavLink to="/faktury/nowa">Wystaw fakturę</NavLink></li> : null}
            <li>
              <NavLink to="/zaproszenia">
                Zaproszenia
                {invitations.length > 0 ? <span className="count">{invitations.length}</span> : null}
              </NavLink>
            </li>
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
