import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeFetch, ME, renderAs } from "../../test/helpers";
import { IssueInvoice } from "./IssueInvoice";

const ISSUED = {
  id: "inv1", company_id: "c", kind: "VAT", number: "FV/1/03/2026", issue_date: "2026-03-02", buyer_nip: "7740001454",
  buyer_name: "Sklep", currency: "PLN", net: "2500.00", vat: "575.00", gross: "3075.00", error_message: null, created_at: "2026-03-02T10:00:00Z",
};

describe("issuing a sales invoice", () => {
  it("sends the form, then follows the invoice until KSeF accepts it with its number", async () => {
    let polls = 0;
    const calls = fakeFetch({
      "GET /api/auth/me": { body: ME },
      "GET /api/invoices/issuing/invoices": { body: { items: [] } },
      "GET /api/invoices/issuing/queue": { body: { ksef: { status: "available", mode: null, message: "KSeF działa." }, items: [] } },
      "GET /api/ksef-gateway/ksef/availability": { body: { status: "available", mode: null, source: "latarnia", since: "2026-03-01T08:00:00Z", message: "KSeF działa." } },
      "POST /api/invoices/issuing/companies/c0000000-0000-4000-8000-000000000001/invoices": { status: 201, body: { ...ISSUED, status: "draft", number: null, ksef_number: null } },
      "POST /api/invoices/issuing/invoices/inv1/send": { status: 202, body: { ...ISSUED, status: "queued", ksef_number: null } },
      "GET /api/invoices/issuing/invoices/inv1": () => {
        polls += 1;
        return polls < 2
          ? { body: { ...ISSUED, status: "sending", ksef_number: null } }
          : { body: { ...ISSUED, status: "accepted", ksef_number: "5261040828-20260302-ABCDEF-01", has_upo: true } };
      },
    });
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      renderAs(<IssueInvoice />, "/faktury/nowa");
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      await user.type(await screen.findByLabelText("Nazwa nabywcy"), "Sklep");
      await user.type(screen.getByLabelText("Adres sprzedawcy"), "ul. Leśna 5, Warszawa");
      await user.type(screen.getByLabelText("Nazwa towaru lub usługi"), "Stół");
      await user.type(screen.getByLabelText("Cena netto"), "1250,50");
      await user.click(screen.getByRole("button", { name: "Wystaw i wyślij do KSeF" }));
      expect(await screen.findByText("wysyłanie do KSeF")).toBeInTheDocument();
      await vi.advanceTimersByTimeAsync(2500);
      expect(await screen.findByText("5261040828-20260302-ABCDEF-01")).toBeInTheDocument();
      expect(screen.getByRole("button", { name: "Pobierz UPO" })).toBeInTheDocument();
      expect(screen.queryByText(/KSeF jest niedostępny/)).not.toBeInTheDocument();
      expect(screen.queryByText("Tryb wystawienia")).not.toBeInTheDocument();
    } finally {
      vi.useRealTimers();
    }
    const draft = calls.find((c) => c.path.endsWith("/invoices") && c.method === "POST")?.body as Record<string, unknown>;
    expect(draft).toMatchObject({
      seller_address: { country: "PL", line1: "ul. Leśna 5, Warszawa" },
      buyer: { name: "Sklep" },
      lines: [{ name: "Stół", quantity: "1", unit_net_price: "1250.50", vat_rate: "23" }],
    });
  });
});
