import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeFetch, ME, renderAs } from "../../test/helpers";
import { Invoices } from "./Invoices";

function row(n: number) {
  return {
    id: `i${n}`, company_id: "c", company_name: "Piekarnia", ksef_number: `K${n}`, direction: "purchase", status: "parsed",
    error_code: null, error: null, kind: "VAT", invoice_number: `FV/${n}/2026`, issue_date: "2026-03-0" + n, sale_date: null,
    ksef_date: "2026-03-01T10:00:00Z", seller_nip: "1", seller_name: "Orlen", buyer_nip: "2", buyer_name: "Piekarnia",
    counterparty_nip: "7740001454", counterparty_name: `Dostawca ${n}`, currency: "PLN", net: "100.00", vat: "23.00",
    gross: "123.00", due_date: null, split_payment: false, category_id: null, category_name: null, category_colour: null,
    approval: "pending", booking: "unbooked", description: null, exclude_reason: null,
  };
}

function setup() {
  return fakeFetch({
    "GET /api/auth/me": { body: ME },
    "GET /api/messaging/threads/unread": { body: { unread: 0 } },
    "GET /api/invoices/categories": { body: [{ id: "cat1", name: "Paliwo", colour: "#c62828" }] },
    "GET /api/invoices/invoices": (url) => ({
      body: { items: [row(1), row(2), row(3)], next_cursor: url.searchParams.get("after") ? null : "CUR", total: 120 },
    }),
    "POST /api/invoices/invoices/actions/category": { status: 204 },
  });
}

describe("the invoice list", () => {
  it("shows the invoices with the total and pages on with the cursor", async () => {
    const calls = setup();
    renderAs(<Invoices />, "/faktury");
    expect(await screen.findByRole("link", { name: "FV/1/2026" })).toBeInTheDocument();
    // The count comes from its own request, which may answer after the page.
    expect(await screen.findByText("Znaleziono: 120")).toBeInTheDocument();
    expect(await screen.findByText("Strona 1 z 3")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Następna →" }));
    await waitFor(() => expect(calls.at(-1)?.url.searchParams.get("after")).toBe("CUR"));
    expect(await screen.findByText("Strona 2 z 3")).toBeInTheDocument();
    const lists = calls.filter((c) => c.path === "/api/invoices/invoices");
    expect(lists[0].url.searchParams.get("count")).toBe("true");
    expect(lists.at(-1)?.url.searchParams.get("count")).toBeNull();
  });

  it("sorts by a column and says so to assistive technology", async () => {
    const calls = setup();
    renderAs(<Invoices />, "/faktury");
    await screen.findByRole("link", { name: "FV/1/2026" });
    await userEvent.click(screen.getByRole("button", { name: /Brutto/ }));
    await waitFor(() => expect(calls.at(-1)?.url.searchParams.get("sort")).toBe("gross"));
    expect(screen.getByRole("columnheader", { name: /Brutto/ })).toHaveAttribute("aria-sort", "descending");
    await userEvent.click(screen.getByRole("button", { name: /Brutto/ }));
    await waitFor(() => expect(calls.at(-1)?.url.searchParams.get("order")).toBe("asc"));
  });

  it("filters by kind and search text", async () => {
    const calls = setup();
    renderAs(<Invoices />, "/faktury");
    await screen.findByRole("link", { name: "FV/1/2026" });
    await userEvent.selectOptions(screen.getByLabelText("Rodzaj"), "purchase");
    await userEvent.type(screen.getByLabelText("Szukaj"), "orlen");
    await waitFor(() => expect(calls.at(-1)?.url.searchParams.get("q")).toBe("orlen"));
    expect(calls.at(-1)?.url.searchParams.get("direction")).toBe("purchase");
  });

  it("assigns a category to the selected invoices from the side menu", async () => {
    const calls = setup();
    renderAs(<Invoices />, "/faktury");
    await userEvent.click(await screen.findByLabelText("Zaznacz fakturę FV/1/2026"));
    await userEvent.click(screen.getByLabelText("Zaznacz fakturę FV/3/2026"));
    const panel = screen.getByRole("complementary", { name: "Działania na zaznaczonych fakturach" });
    expect(within(panel).getByTestId("selected-count")).toHaveTextContent("2");
    await userEvent.selectOptions(within(panel).getByLabelText("Kategoria"), "cat1");
    await userEvent.click(within(panel).getByRole("button", { name: "Przypisz kategorię" }));
    expect(await screen.findByText("Przypisano kategorię do 2 faktur.")).toBeInTheDocument();
    const assign = calls.find((c) => c.path === "/api/invoices/invoices/actions/category");
    expect(assign?.body).toEqual({ ids: ["i1", "i3"], category_id: "cat1" });
  });

  it("selects the whole page with one checkbox", async () => {
    setup();
    renderAs(<Invoices />, "/faktury");
    await userEvent.click(await screen.findByLabelText("Zaznacz wszystkie na tej stronie"));
    expect(screen.getByTestId("selected-count")).toHaveTextContent("3");
  });
});
