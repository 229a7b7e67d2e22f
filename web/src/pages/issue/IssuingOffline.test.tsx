import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { COMPANY_CONTEXT, fakeFetch, ME, renderAs } from "../../test/helpers";
import { IssueInvoice } from "./IssueInvoice";

const COMPANY = COMPANY_CONTEXT.org.id;
const ISSUED = {
  id: "inv1", company_id: COMPANY, kind: "VAT", number: "FV/7/11/2026", issue_date: "2026-11-20", buyer_nip: "7740001454",
  buyer_name: "Sklep Zielony", currency: "PLN", net: "100.00", vat: "23.00", gross: "123.00", ksef_number: null,
  error_message: null, created_at: "2026-11-20T10:00:00Z", offline_mode: null, offline_mode_label: null, deadline_label: null,
};
const UNKNOWN_DEADLINE = "nieznany: następny dzień roboczy po zakończeniu niedostępności KSeF";
const DOWN = {
  status: "unavailable", mode: "offline", source: "observed", since: "2026-11-20T09:15:00Z", until: null,
  message: "KSeF jest niedostępny. Faktury są wystawiane w trybie offline (z kodami QR).",
};
const UP = { status: "available", mode: null, source: "latarnia", since: "2026-11-20T07:00:00Z", message: "KSeF działa." };

function queued(id: string, extra: object) {
  return { ...ISSUED, id, status: "offline", ...extra };
}

function stack(availability: { status?: number; body?: unknown }, queue: unknown, extra: Parameters<typeof fakeFetch>[0] = {}) {
  return fakeFetch({
    "GET /api/auth/me": { body: ME },
    "GET /api/invoices/issuing/invoices": { body: { items: [] } },
    "GET /api/invoices/issuing/queue": { body: queue },
    "GET /api/ksef-gateway/ksef/availability": availability,
    ...extra,
  });
}

describe("issuing while KSeF is unavailable", () => {
  it("shows a banner with the mode and the gateway's message", async () => {
    stack({ body: DOWN }, { ksef: DOWN, items: [] });
    renderAs(<IssueInvoice />, "/faktury/nowa");
    const heading = await screen.findByRole("heading", {
      name: "KSeF jest niedostępny — nowe faktury są wystawiane w trybie offline i zostaną wysłane automatycznie",
    });
    const banner = heading.closest("section") as HTMLElement;
    expect(banner).toHaveAttribute("role", "status");
    expect(within(banner).getByText("offline (niedostępność KSeF)")).toBeInTheDocument();
    expect(within(banner).getByText(DOWN.message)).toBeInTheDocument();
  });

  it("names the failure mode the status service announced", async () => {
    const failure = { ...DOWN, mode: "awaryjny", source: "latarnia", message: "Ogłoszono awarię KSeF." };
    stack({ body: failure }, { ksef: failure, items: [] });
    renderAs(<IssueInvoice />, "/faktury/nowa");
    expect(await screen.findByText("tryb awaryjny (awaria KSeF)")).toBeInTheDocument();
    expect(screen.getByText("Ogłoszono awarię KSeF.")).toBeInTheDocument();
  });

  it("shows no banner while KSeF works", async () => {
    stack({ body: UP }, { ksef: UP, items: [] });
    renderAs(<IssueInvoice />, "/faktury/nowa");
    expect(await screen.findByText("Wszystkie wystawione faktury są w KSeF.")).toBeInTheDocument();
    expect(screen.queryByText(/KSeF jest niedostępny/)).not.toBeInTheDocument();
  });

  it("falls back to the queue's view of KSeF when the gateway does not answer", async () => {
    stack({ status: 503, body: { error: { code: "unavailable", message: "Usługa niedostępna." } } }, { ksef: DOWN, items: [] });
    renderAs(<IssueInvoice />, "/faktury/nowa");
    expect(await screen.findByRole("heading", { name: /KSeF jest niedostępny/ })).toBeInTheDocument();
  });
});

describe("the queue of invoices waiting for KSeF", () => {
  it("lists each invoice's offline mode and deadline, flagging a missed one", async () => {
    const items = [
      queued("q1", { number: "FV/8/11/2026", offline_mode: "offline24", offline_mode_label: "offline24 (wybór wystawcy)", deadline_label: "do 23.11.2026", overdue: true }),
      queued("q2", { number: "FV/9/11/2026", offline_mode: "offline", offline_mode_label: "offline (niedostępność KSeF)", deadline_label: UNKNOWN_DEADLINE, overdue: false }),
      queued("q3", { number: "FV/1/11/2026", company_id: "c0000000-0000-4000-8000-000000000099", overdue: false }),
    ];
    stack({ body: DOWN }, { ksef: DOWN, items });
    renderAs(<IssueInvoice />, "/faktury/nowa");
    const table = await screen.findByRole("table");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2); // another company's invoice stays off this company's screen
    expect(within(rows[0]).getByText("offline24 (wybór wystawcy)")).toBeInTheDocument();
    expect(within(rows[0]).getByText("do 23.11.2026")).toBeInTheDocument();
    expect(within(rows[0]).getByText("po terminie")).toBeInTheDocument();
    expect(within(rows[1]).getByText("offline (niedostępność KSeF)")).toBeInTheDocument();
    expect(within(rows[1]).getByText(UNKNOWN_DEADLINE)).toBeInTheDocument();
    expect(within(rows[1]).queryByText("po terminie")).not.toBeInTheDocument();
  });

  it("shows an invoice issued offline with its mode and deadline once sent", async () => {
    const offline = {
      ...ISSUED, status: "offline", offline_mode: "offline", offline_mode_label: "offline (niedostępność KSeF)", deadline_label: UNKNOWN_DEADLINE,
    };
    stack({ body: DOWN }, { ksef: DOWN, items: [] }, {
      [`POST /api/invoices/issuing/companies/${COMPANY}/invoices`]: { status: 201, body: { ...ISSUED, status: "draft", number: null } },
      "POST /api/invoices/issuing/invoices/inv1/send": { status: 202, body: offline },
      "GET /api/invoices/issuing/invoices/inv1": { body: offline },
    });
    renderAs(<IssueInvoice />, "/faktury/nowa");
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Nazwa nabywcy"), "Sklep Zielony");
    await user.type(screen.getByLabelText("Nazwa towaru lub usługi"), "Chleb");
    await user.type(screen.getByLabelText("Cena netto"), "100");
    await user.click(screen.getByRole("button", { name: "Wystaw i wyślij do KSeF" }));
    const card = (await screen.findByRole("heading", { name: "Faktura FV/7/11/2026" })).closest("section") as HTMLElement;
    expect(within(card).getByText("Tryb wystawienia")).toBeInTheDocument();
    expect(within(card).getByText("offline (niedostępność KSeF)")).toBeInTheDocument();
    expect(within(card).getByText("Termin wysłania do KSeF")).toBeInTheDocument();
    expect(within(card).getByText(UNKNOWN_DEADLINE)).toBeInTheDocument();
  });
});
