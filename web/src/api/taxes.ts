// taxes: monthly tiles, month details, payments, transfer export.
import { api, download } from "./client";

export type TileColour = "yellow" | "red" | "green" | "grey";

export interface Tile {
  period: string;
  status: "empty" | "pending" | "overdue" | "paid";
  label: string;
  color: TileColour;
  items: number;
  overdue: number;
  total_grosze: number;
  paid_grosze: number;
  outstanding_grosze: number;
  progress_percent: number;
}

export interface Payment {
  id: string;
  paid_on: string;
  amount_grosze: number;
}

export interface TaxItem {
  id: string;
  company_id: string;
  kind: string;
  period: string;
  amount_grosze: number;
  paid_grosze: number;
  outstanding_grosze: number;
  due_date: string;
  status: "pending" | "partially_paid" | "overdue" | "paid";
  account: string;
  account_display: string;
  recipient: string;
  title: string;
  transfer: string;
  form_symbol: string | null;
  tax_period: string | null;
  liability_id: string | null;
  payments: Payment[];
}

export interface Month {
  tile: Tile;
  items: TaxItem[];
}

export interface ItemCreate {
  kind: string;
  period: string;
  amount_grosze: number;
  due_date: string;
  title?: string;
}

const base = (companyId: string) => `/taxes/companies/${companyId}`;

export const taxes = {
  years: (companyId: string) => api<{ years: number[] }>(`${base(companyId)}/years`),
  months: (companyId: string, year: number) => api<Tile[]>(`${base(companyId)}/months`, { query: { year } }),
  month: (companyId: string, period: string) => api<Month>(`${base(companyId)}/months/${period}`),
  createItem: (companyId: string, item: ItemCreate) => api<TaxItem>(`${base(companyId)}/items`, { json: item }),
  markPaid: (companyId: string, itemId: string, paidOn?: string, amountGrosze?: number) =>
    api<TaxItem>(`${base(companyId)}/items/${itemId}/payments`, {
      json: { paid_on: paidOn || undefined, amount_grosze: amountGrosze || undefined },
    }),
  exportTransfers: (companyId: string, itemIds: string[], fromAccount: string) =>
    download(`${base(companyId)}/transfers/elixir`, { json: { item_ids: itemIds, from_account: fromAccount } }),
};

export const TAX_STATUS_LABELS: Record<TaxItem["status"], string> = {
  pending: "do zapłaty",
  partially_paid: "częściowo opłacone",
  overdue: "zaległe",
  paid: "opłacone",
};
