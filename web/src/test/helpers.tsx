// Test helpers: a fake fetch that answers by method and path, and a render with the app's
// providers around a screen.
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { setAccessToken } from "../api/client";
import { SessionProvider } from "../session/SessionContext";

export type Handler = (url: URL, init: RequestInit) => { status?: number; body?: unknown } | undefined;

export function fakeFetch(routes: Record<string, Handler | { status?: number; body?: unknown }>) {
  const calls: { method: string; path: string; url: URL; body: unknown }[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), "http://portal.test");
    const method = (init.method ?? "GET").toUpperCase();
    const body = typeof init.body === "string" ? JSON.parse(init.body) : init.body;
    calls.push({ method, path: url.pathname, url, body });
    const route = routes[`${method} ${url.pathname}`];
    const answer = typeof route === "function" ? route(url, init) : route;
    if (!answer) return new Response(JSON.stringify({ error: { code: "not_found", message: "Nie znaleziono." } }), { status: 404 });
    const status = answer.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(answer.body ?? {}), {
      status,
      headers: { "Content-Type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fn);
  return calls;
}

export const COMPANY_CONTEXT = {
  org: { id: "c0000000-0000-4000-8000-000000000001", kind: "company", nip: "5261040828", name: "Piekarnia Kowalski" },
  role: "client",
  all_clients: true,
};

export const OFFICE_CONTEXT = {
  org: { id: "o0000000-0000-4000-8000-000000000001", kind: "office", nip: "7740001454", name: "Biuro Rachunkowe Bilans" },
  role: "admin",
  all_clients: true,
};

export const ME = {
  user: { id: "u1", email: "jan@piekarnia.pl", full_name: "Jan Kowalski", status: "active", totp_enabled: false },
  contexts: [COMPANY_CONTEXT],
  pending_invitations: [],
};

/** Render `ui` at `path` as a logged-in user of the context (a company user by default). */
export function renderAs(ui: ReactElement, path = "/", route = "*", context: object = COMPANY_CONTEXT) {
  setAccessToken("token");
  sessionStorage.setItem("rachmistrz.context", JSON.stringify(context));
  return render(
    <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
      <SessionProvider>
        <Routes>
          <Route path={route} element={ui} />
        </Routes>
      </SessionProvider>
    </MemoryRouter>,
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  sessionStorage.clear();
  setAccessToken(null);
  localStorage.clear();
});
