// The one place that talks HTTP: base path, tokens, refresh on 401, errors in Polish.
// Every service is reached through the gateway at /api/<service>/...
import type { Context } from "./auth";

export const API_BASE = "/api";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const FALLBACK: Record<number, string> = {
  0: "Brak połączenia z serwerem. Sprawdź połączenie i spróbuj ponownie.",
  401: "Sesja wygasła. Zaloguj się ponownie.",
  403: "Nie masz uprawnień do tej operacji.",
  404: "Nie znaleziono.",
  413: "Plik jest zbyt duży.",
  429: "Zbyt wiele żądań. Spróbuj ponownie za chwilę.",
  502: "Usługa jest chwilowo niedostępna. Spróbuj ponownie za chwilę.",
  503: "Usługa jest chwilowo niedostępna. Spróbuj ponownie za chwilę.",
};

// The access token lives in this module's memory only; the refresh token is an HttpOnly cookie
// (`rachmistrz_refresh`, path /api/auth/token/refresh) that scripts can neither read nor leak.
// A reload or a new tab trades the cookie for a new access token. localStorage keeps only a
// hint that a session may exist, so anonymous visitors do not send a refresh that must fail.
const HINT_KEY = "rachmistrz.session";
let accessToken: string | null = null;
let refreshing: Promise<TokenAnswer | null> | null = null;
const listeners = new Set<(access: string | null) => void>();

/** What auth answers to login, context choice and refresh (the parts the portal uses). */
export interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
  context: Context | null;
}

export function getAccessToken(): string | null {
  return accessToken;
}

/** A session cookie may exist (someone logged in in this browser and did not log out). */
export function mayHaveSession(): boolean {
  try {
    return globalThis.localStorage?.getItem(HINT_KEY) === "1";
  } catch {
    return false;
  }
}

/** Use this access token from now on; null forgets it (logout, session gone). */
export function setAccessToken(next: string | null): void {
  accessToken = next;
  try {
    if (next) localStorage.setItem(HINT_KEY, "1");
    else localStorage.removeItem(HINT_KEY);
  } catch {
    /* private mode: the hint is only an optimisation */
  }
  listeners.forEach((l) => l(next));
}

export function onTokensChange(listener: (access: string | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | null | undefined | string[]>;

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "" || value === false) continue;
    if (Array.isArray(value)) value.forEach((v) => params.append(key, v));
    else params.append(key, String(value));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ""}`;
}

export interface RequestOptions {
  method?: string;
  query?: Query;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Do not attach the access token (login, activation). */
  anonymous?: boolean;
}

async function errorOf(response: Response): Promise<ApiError> {
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    /* not JSON */
  }
  const err = (payload as { error?: { code?: string; message?: string; details?: unknown } })?.error;
  if (err?.message) {
    return new ApiError(response.status, err.code ?? "error", err.message, err.details ?? null);
  }
  const message = FALLBACK[response.status] ?? `Wystąpił błąd (${response.status}). Spróbuj ponownie.`;
  return new ApiError(response.status, `http_${response.status}`, message, payload);
}

async function send(path: string, opts: RequestOptions, withToken: boolean): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
  let body = opts.body;
  if (opts.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.json);
  }
  if (withToken && accessToken) headers.Authorization = `Bearer ${accessToken}`;
  try {
    return await fetch(buildUrl(path, opts.query), {
      method: opts.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      body,
      signal: opts.signal,
      // same origin through the gateway: the browser sends the refresh cookie (to its path only)
      credentials: "same-origin",
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, "network", FALLBACK[0]);
  }
}

async function postRefresh(): Promise<TokenAnswer | null> {
  const response = await send("/auth/token/refresh", { method: "POST" }, false);
  if (!response.ok) return null;
  return (await response.json()) as TokenAnswer;
}

/**
 * Trade the refresh cookie for a new access token; one refresh at a time for all callers of
 * this tab, and across tabs through a Web Lock: refresh tokens rotate, and two tabs presenting
 * the same one would look like a stolen token to auth, which then ends the whole session.
 */
export function refreshTokens(): Promise<TokenAnswer | null> {
  refreshing ??= (async () => {
    try {
      const locks = globalThis.navigator?.locks;
      const answer = locks ? await locks.request("rachmistrz-refresh", postRefresh) : await postRefresh();
      setAccessToken(answer ? answer.access_token : null);
      return answer;
    } catch {
      return null;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** A request that returns the raw Response (for files); throws ApiError when not ok. */
export async function request(path: string, opts: RequestOptions = {}): Promise<Response> {
  const withToken = !opts.anonymous;
  let response = await send(path, opts, withToken);
  if (response.status === 401 && withToken && accessToken && (await refreshTokens())) {
    response = await send(path, opts, true);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

/** A JSON request; 204 gives undefined. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const response = await request(path, opts);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) return (await response.text()) as T;
  return (await response.json()) as T;
}

/** Fetch a file with the token and hand it to the browser as a download. */
export async function download(path: string, opts: RequestOptions = {}): Promise<void> {
  const response = await request(path, opts);
  const blob = await response.blob();
  const disposition = response.headers.get("content-disposition") ?? "";
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? "plik";
  saveBlob(blob, name);
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Open a document the API renders (HTML, PDF) in a new tab, with the token. */
export async function openDocument(path: string, query?: Query): Promise<void> {
  const tab = window.open("", "_blank");
  const response = await request(path, { query });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  if (tab) tab.location.href = url;
  else window.location.href = url;
}
