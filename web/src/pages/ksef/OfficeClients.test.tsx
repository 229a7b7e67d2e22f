import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeFetch, ME, OFFICE_CONTEXT, renderAs } from "../../test/helpers";
import { OfficeClients } from "./OfficeClients";

const AUTH = { method: "office", valid_until: null, message: null, checked_at: null, awaiting_signed_xml: false };

function client(id: string, name: string, status: string | null) {
  return {
    company_id: id, nip: "5261040828", name,
    authorization: status ? { ...AUTH, status, permissions: status === "active" ? ["InvoiceRead"] : [] } : null,
    sync: [],
  };
}

describe("the office's clients and KSeF", () => {
  it("shows each client's authorisation and verifies one again, naming it for screen readers", async () => {
    const calls = fakeFetch({
      "GET /api/auth/me": { body: { ...ME, contexts: [OFFICE_CONTEXT] } },
      "GET /api/messaging/threads/unread": { body: { unread: 0 } },
      "GET /api/ksef-gateway/office/clients": { body: [client("c1", "Kwiaciarnia", "active"), client("c2", "Hurtownia", null)] },
      "POST /api/ksef-gateway/office/clients/c1/verify": { body: client("c1", "Kwiaciarnia", "no_permission") },
    });
    renderAs(<OfficeClients />, "/klienci", "*", OFFICE_CONTEXT);
    const row = (await screen.findByRole("link", { name: "Kwiaciarnia" })).closest("tr")!;
    expect(row).toHaveTextContent("uprawnienie biura: aktywna");
    expect(screen.getByRole("link", { name: "Hurtownia" }).closest("tr")).toHaveTextContent("brak autoryzacji");
    await userEvent.click(within(row).getByRole("button", { name: "Sprawdź ponownie: Kwiaciarnia" }));
    expect(await screen.findByText("Sprawdzono: Kwiaciarnia.")).toBeInTheDocument();
    await waitFor(() => expect(row).toHaveTextContent("uprawnienie biura: brak uprawnień"));
    expect(calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual(["/api/ksef-gateway/office/clients/c1/verify"]);
  });
});
