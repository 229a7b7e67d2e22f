import { ApiError, api, buildUrl, getAccessToken, mayHaveSession, setAccessToken } from "./client";
import { fakeFetch } from "../test/helpers";

describe("the API client", () => {
  it("builds query strings, repeating arrays and leaving out empty values", () => {
    expect(buildUrl("/invoices/invoices", { kind: ["VAT", "KOR"], q: "", uncategorised: false, limit: 50 })).toBe(
      "/api/invoices/invoices?kind=VAT&kind=KOR&limit=50",
    );
  });

  it("turns an error body into an ApiError with the service's Polish message and code", async () => {
    fakeFetch({
      "POST /api/auth/login": { status: 401, body: { error: { code: "invalid_credentials", message: "Nieprawidłowy e-mail lub hasło." } } },
    });
    const error = await api<never>("/auth/login", { json: {}, anonymous: true }).catch((e: ApiError) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe("invalid_credentials");
    expect(error.message).toBe("Nieprawidłowy e-mail lub hasło.");
  });

  it("explains a gateway 502 in Polish", async () => {
    fakeFetch({ "GET /api/taxes/x": { status: 502, body: { detail: "upstream service unavailable" } } });
    const error = await api<never>("/taxes/x").catch((e: ApiError) => e);
    expect(error.message).toMatch(/chwilowo niedostępna/);
  });

  it("refreshes an expired access token once with the cookie, no token in the body, and repeats the request", async () => {
    setAccessToken("old");
    const calls = fakeFetch({
      "GET /api/auth/me": (_url, init) =>
        (init.headers as Record<string, string>).Authorization === "Bearer new"
          ? { body: { ok: true } }
          : { status: 401, body: { error: { code: "unauthenticated", message: "x" } } },
      "POST /api/auth/token/refresh": (_url, init) =>
        init.credentials === "same-origin" && init.body === undefined
          ? { body: { access_token: "new", refresh_token: "r2", token_type: "bearer", expires_in: 600, context: null } }
          : { status: 401, body: {} },
    });
    await expect(api("/auth/me")).resolves.toEqual({ ok: true });
    expect(calls.map((c) => c.path)).toEqual(["/api/auth/me", "/api/auth/token/refresh", "/api/auth/me"]);
    expect(getAccessToken()).toBe("new");
  });

  it("keeps no refresh token and no access token in web storage", async () => {
    fakeFetch({
      "POST /api/auth/token/refresh": { body: { access_token: "secret-access", refresh_token: "secret-refresh", token_type: "bearer", expires_in: 600, context: null } },
      "GET /api/auth/me": (_url, init) =>
        (init.headers as Record<string, string>).Authorization === "Bearer secret-access" ? { body: {} } : { status: 401, body: {} },
    });
    setAccessToken("expired");
    await api("/auth/me");
    const stored = JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage });
    expect(stored).not.toMatch(/secret-|expired/);
    expect(mayHaveSession()).toBe(true);
  });

  it("forgets the session when the refresh cookie no longer works", async () => {
    setAccessToken("old");
    fakeFetch({
      "GET /api/auth/me": { status: 401, body: {} },
      "POST /api/auth/token/refresh": { status: 401, body: {} },
    });
    await expect(api("/auth/me")).rejects.toMatchObject({ status: 401 });
    expect(getAccessToken()).toBeNull();
    expect(mayHaveSession()).toBe(false);
  });
});
