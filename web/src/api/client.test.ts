import { ApiError, api, buildUrl, getTokens, setTokens } from "./client";
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

  it("refreshes an expired access token once and repeats the request", async () => {
    setTokens({ access: "old", refresh: "r1" });
    const calls = fakeFetch({
      "GET /api/auth/me": (_url, init) =>
        (init.headers as Record<string, string>).Authorization === "Bearer new"
          ? { body: { ok: true } }
          : { status: 401, body: { error: { code: "unauthenticated", message: "x" } } },
      "POST /api/auth/token/refresh": { body: { access_token: "new", refresh_token: "r2" } },
    });
    await expect(api("/auth/me")).resolves.toEqual({ ok: true });
    expect(calls.map((c) => c.path)).toEqual(["/api/auth/me", "/api/auth/token/refresh", "/api/auth/me"]);
    expect(getTokens()).toEqual({ access: "new", refresh: "r2" });
  });

  it("forgets the tokens when the refresh token no longer works", async () => {
    setTokens({ access: "old", refresh: "r1" });
    fakeFetch({
      "GET /api/auth/me": { status: 401, body: {} },
      "POST /api/auth/token/refresh": { status: 401, body: {} },
    });
    await expect(api("/auth/me")).rejects.toMatchObject({ status: 401 });
    expect(getTokens()).toBeNull();
  });
});
