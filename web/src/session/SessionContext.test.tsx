import { render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { getAccessToken } from "../api/client";
import { COMPANY_CONTEXT, fakeFetch, ME } from "../test/helpers";
import { SessionProvider, useSession } from "./SessionContext";

function Who() {
  const { status, user, context } = useSession();
  return (
    <p>
      {status} {user?.email ?? "-"} {context?.org.name ?? "-"}
    </p>
  );
}

function renderSession() {
  render(
    <MemoryRouter>
      <SessionProvider>
        <Who />
      </SessionProvider>
    </MemoryRouter>,
  );
}

describe("the session after a reload", () => {
  it("comes back from the refresh cookie, in the context the session had", async () => {
    localStorage.setItem("rachmistrz.session", "1");
    const calls = fakeFetch({
      "POST /api/auth/token/refresh": { body: { access_token: "fresh", token_type: "bearer", expires_in: 600, context: COMPANY_CONTEXT } },
      "GET /api/auth/me": (_url, init) =>
        (init.headers as Record<string, string>).Authorization === "Bearer fresh" ? { body: ME } : { status: 401, body: {} },
    });
    renderSession();
    expect(await screen.findByText(`ready ${ME.user.email} ${COMPANY_CONTEXT.org.name}`)).toBeInTheDocument();
    expect(calls.map((c) => c.path)).toEqual(["/api/auth/token/refresh", "/api/auth/me"]);
    expect(calls[0].body).toBeUndefined();
    expect(getAccessToken()).toBe("fresh");
  });

  it("is anonymous when the cookie is gone, and forgets the hint", async () => {
    localStorage.setItem("rachmistrz.session", "1");
    fakeFetch({ "POST /api/auth/token/refresh": { status: 401, body: { error: { code: "invalid_refresh_token", message: "x" } } } });
    renderSession();
    expect(await screen.findByText("anonymous - -")).toBeInTheDocument();
    expect(localStorage.getItem("rachmistrz.session")).toBeNull();
  });

  it("does not ask auth at all for a visitor who never logged in", async () => {
    const calls = fakeFetch({});
    renderSession();
    expect(await screen.findByText("anonymous - -")).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });
});
