import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { fakeFetch } from "../test/helpers";
import { SetPassword, validatePassword } from "./Activation";

describe("activation", () => {
  it("checks the password before sending it", () => {
    expect(validatePassword("krótkie", "krótkie")).toMatch(/co najmniej 10/);
    expect(validatePassword("Dlugie-haslo-1", "Dlugie-haslo-2")).toMatch(/nie są takie same/);
    expect(validatePassword("Dlugie-haslo-1", "Dlugie-haslo-1")).toBe("");
  });

  it("shows whose account it is and activates it with the link's token", async () => {
    const calls = fakeFetch({
      "GET /api/auth/activation": { body: { email: "jan@piekarnia.pl", full_name: "Jan Kowalski" } },
      "POST /api/auth/activation": { status: 204 },
    });
    render(
      <MemoryRouter initialEntries={["/aktywacja?token=abcdefghijkl"]}>
        <Routes>
          <Route path="/aktywacja" element={<SetPassword purpose="activation" />} />
        </Routes>
      </MemoryRouter>,
    );
    expect(await screen.findByText(/Jan Kowalski \(jan@piekarnia.pl\)/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Nowe hasło"), "Kasztan-w-Ogrodzie-42");
    await userEvent.type(screen.getByLabelText("Powtórz hasło"), "Kasztan-w-Ogrodzie-42");
    await userEvent.click(screen.getByRole("button", { name: "Ustaw hasło i aktywuj" }));
    expect(await screen.findByText(/Konto jest aktywne/)).toBeInTheDocument();
    expect(calls.at(-1)?.body).toEqual({ token: "abcdefghijkl", password: "Kasztan-w-Ogrodzie-42" });
  });
});
