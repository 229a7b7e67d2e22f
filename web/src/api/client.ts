// The one place that talks HTTP: base path, tokens, refresh on 401, errors in Polish.
// Every service is reached through the gateway at /api/<service>/...

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

export interface Tokens {
  access: string;
  refresh: string | null;
}

const STORAGE_KEY = "rachmistrz.tokens";
let tokens: Tokens | null = readStored();
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<(t: Tokens | null) => void>();

function readStored(): Tokens | null {
  try {
    const raw = globalThis.sessionStorage?.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  } catch {
    return null;
  }
}

export function getTokens(): Tokens | null {
  return tokens;
}

/** Keep the tokens for this browser tab (sessionStorage: gone when the tab closes). */
export function setTokens(next: Tokens | null): void {
  tokens = next;
  try {
    if (next) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    /* private mode: memory only */
  }
  listeners.forEach((l) => l(next));
}

export function onTokensChange(listener: (t: Tokens | null) => void): () => void {
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
  if (withToken && tokens) headers.Authorization = `Bearer ${tokens.access}`;
  try {
    return await fetch(buildUrl(path, opts.query), {
      method: opts.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      body,
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, "network", FALLBACK[0]);
  }
}

/** Trade the refresh token for new tokens; one refresh at a time for all callers. */
export function refreshTokens(): Promise<boolean> {
  if (!tokens?.refresh) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      const response = await send(
        "/auth/token/refresh",
        { method: "POST", json: { refresh_token: tokens?.refresh } },
        false,
      );
      if (!response.ok) {
        setTokens(null);
        return false;
      }
      const data = (await response.json()) as { access_token: string; refresh_token: string };
      setTokens({ access: data.access_token, refresh: data.refresh_token });
      return true;
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
  if (response.status === 401 && withToken && tokens?.refresh && (await refreshTokens())) {
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
