import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { SessionProvider } from "../session/SessionContext";
import { COMPANY_CONTEXT, fakeFetch, ME } from "../test/helpers";
import { Login } from "./Login";

function renderLogin() {
  render(
    <MemoryRouter initialEntries={["/logowanie"]}>
      <SessionProvider>
        <Routes>
          <Route path="/logowanie" element={<Login />} />
          <Route path="/" element={<h1>Pulpit</h1>} />
          <Route path="/kontekst" element={<h1>Wybór</h1>} />
        </Routes>
      </SessionProvider>
    </MemoryRouter>,
  );
}

const LOGGED_IN = { access_token: "a", refresh_token: "r-from-body", token_type: "bearer", expires_in: 600, session_id: "s", context: null, ...ME };

describe("login", () => {
  it("asks for the second factor when the account has one, then sends the code", async () => {
    const calls = fakeFetch({
      "POST /api/auth/login": (_u, init) =>
        JSON.parse(String(init.body)).totp_code
          ? { body: LOGGED_IN }
          : { status: 401, body: { error: { code: "second_factor_required", message: "Podaj kod" } } },
      "POST /api/auth/context": { body: { access_token: "b", expires_in: 600, token_type: "bearer", context: COMPANY_CONTEXT } },
    });
    renderLogin();
    await userEvent.type(screen.getByLabelText("E-mail"), "jan@piekarnia.pl");
    await userEvent.type(screen.getByLabelText("Hasło"), "Sekretne-haslo-1");
    await userEvent.click(screen.getByRole("button", { name: "Zaloguj się" }));
    const code = await screen.findByLabelText("Kod z aplikacji uwierzytelniającej");
    await userEvent.type(code, "123456");
    await userEvent.click(screen.getByRole("button", { name: "Potwierdź" }));
    // one organisation: chosen without asking
    expect(await screen.findByRole("heading", { name: "Pulpit" })).toBeInTheDocument();
    expect(calls.filter((c) => c.path === "/api/auth/login").at(-1)?.body).toMatchObject({ totp_code: "123456" });
    expect(calls.at(-1)?.body).toEqual({ org_id: COMPANY_CONTEXT.org.id });
    // the refresh token stays in auth's HttpOnly cookie: nothing of it in web storage
    expect(JSON.stringify({ ...sessionStorage, ...localStorage })).not.toContain("r-from-body");
  });

  it("shows the service's Polish message for wrong credentials", async () => {
    fakeFetch({
      "POST /api/auth/login": { status: 401, body: { error: { code: "invalid_credentials", message: "Nieprawidłowy e-mail lub hasło." } } },
    });
    renderLogin();
    await userEvent.type(screen.getByLabelText("E-mail"), "x@y.pl");
    await userEvent.type(screen.getByLabelText("Hasło"), "zle");
    await userEvent.click(screen.getByRole("button", { name: "Zaloguj się" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Nieprawidłowy e-mail lub hasło.");
  });

  it("lets a person with several organisations choose one", async () => {
    const two = { ...LOGGED_IN, contexts: [COMPANY_CONTEXT, { ...COMPANY_CONTEXT, org: { ...COMPANY_CONTEXT.org, id: "other" } }] };
    fakeFetch({ "POST /api/auth/login": { body: two } });
    renderLogin();
    await userEvent.type(screen.getByLabelText("E-mail"), "x@y.pl");
    await userEvent.type(screen.getByLabelText("Hasło"), "Sekretne-haslo-1");
    await userEvent.click(screen.getByRole("button", { name: "Zaloguj się" }));
    expect(await screen.findByRole("heading", { name: "Wybór" })).toBeInTheDocument();
  });
});
