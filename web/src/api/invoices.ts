// invoices: the list, details, categories, bulk actions, exports, dashboard.
import { api, download, openDocument, type Query } from "./client";

export type Direction = "sales" | "purchase" | "other";
export type Approval = "not_required" | "pending" | "approved" | "rejected";
export type Booking = "unbooked" | "booked" | "excluded";

export interface InvoiceRow {
  id: string;
  company_id: string;
  company_name: string | null;
  ksef_number: string;
  direction: Direction;
  status: "parsed" | "failed";
  error_code: string | null;
  error: string | null;
  kind: string;
  invoice_number: string;
  issue_date: string;
  sale_date: string | null;
  ksef_date: string;
  seller_nip: string | null;
  seller_name: string | null;
  buyer_nip: string | null;
  buyer_name: string | null;
  counterparty_nip: string | null;
  counterparty_name: string | null;
  currency: string;
  net: string | number;
  vat: string | number;
  gross: string | number;
  due_date: string | null;
  split_payment: boolean;
  category_id: string | null;
  category_name: string | null;
  category_colour: string | null;
  approval: Approval;
  booking: Booking;
  description: string | null;
  exclude_reason: string | null;
}

export interface InvoiceField {
  path?: string;
  label?: string;
  value?: string;
  [key: string]: unknown;
}

export interface InvoiceDetails extends InvoiceRow {
  fields: InvoiceField[];
  history: Record<string, unknown>[];
}

export interface InvoicePage {
  items: InvoiceRow[];
  next_cursor: string | null;
  /** Matching invoices (counted up to 10 000), on a first page asked with `count`. */
  total: number | null;
  total_capped?: boolean;
}

export type SortKey =
  | "issue_date" | "sale_date" | "ksef_date" | "due_date" | "invoice_number" | "ksef_number"
  | "counterparty_name" | "counterparty_nip" | "net" | "vat" | "gross" | "currency" | "kind"
  | "direction" | "status" | "approval" | "booking" | "category" | "description";

export interface InvoiceFilters {
  company_id?: string;
  kind?: string[];
  direction?: Direction | "";
  date_field?: "issue" | "sale" | "ksef";
  date_from?: string;
  date_to?: string;
  category_id?: string;
  uncategorised?: boolean;
  approval?: Approval[];
  booking?: Booking[];
  q?: string;
  sort?: SortKey;
  order?: "asc" | "desc";
  limit?: number;
  after?: string;
  count?: boolean;
}

export interface Category {
  id: string;
  name: string;
  colour: string;
}

export type ExportFormat = "xml" | "csv" | "optima" | "epp" | "pdf";

export interface Dashboard {
  month: string;
  this_month: { direction: Direction; currency: string; count: number; net: string; vat: string; gross: string }[];
  awaiting_approval?: number;
  excluded?: number;
  uncategorised?: number;
  unbooked?: number;
  failed?: number;
  total?: number;
  last_sync_at: string | null;
}

export const invoices = {
  /** A page of the list; the first page also counts the matches. */
  list: (f: InvoiceFilters, signal?: AbortSignal) =>
    api<InvoicePage>("/invoices/invoices", { query: { ...f, count: f.after ? undefined : true } as Query, signal }),
  get: (id: string) => api<InvoiceDetails>(`/invoices/invoices/${id}`),
  xml: (id: string) => download(`/invoices/invoices/${id}/xml`),
  pdf: (id: string) => download(`/invoices/invoices/${id}/pdf`),
  openHtml: (id: string) => openDocument(`/invoices/invoices/${id}/html`),
  htmlUrl: (id: string) => `/invoices/invoices/${id}/html`,
  describe: (id: string, description: string) =>
    api<void>(`/invoices/invoices/${id}/description`, { method: "PUT", json: { description } }),
  assignCategory: (ids: string[], categoryId: string | null) =>
    api<void>("/invoices/invoices/actions/category", { json: { ids, category_id: categoryId } }),
  exclude: (ids: string[], reason: string) => api<void>("/invoices/invoices/actions/exclude", { json: { ids, reason } }),
  include: (ids: string[]) => api<void>("/invoices/invoices/actions/include", { json: { ids } }),
  approve: (ids: string[], approved = true, note?: string) =>
    api<void>("/invoices/invoices/actions/approve", { json: { ids, approved, note } }),
  book: (ids: string[], booked = true, decree?: string) =>
    api<void>("/invoices/invoices/actions/book", { json: { ids, booked, decree } }),
  inquiry: (ids: string[], subject: string, body: string) =>
    api<{ inquiry_ids: string[] }>("/invoices/invoices/actions/inquiry", { json: { ids, subject, body } }),
  export: (ids: string[], format: ExportFormat) =>
    download("/invoices/invoices/export", { json: { ids, format } }),
  categories: (companyId?: string) => api<Category[]>("/invoices/categories", { query: { company_id: companyId } }),
  createCategory: (name: string, colour: string) => api<Category>("/invoices/categories", { json: { name, colour } }),
  updateCategory: (id: string, name: string, colour: string) =>
    api<Category>(`/invoices/categories/${id}`, { method: "PUT", json: { name, colour } }),
  deleteCategory: (id: string) => api<void>(`/invoices/categories/${id}`, { method: "DELETE" }),
  dashboard: (companyId?: string, month?: string) =>
    api<Dashboard>("/invoices/dashboard", { query: { company_id: companyId, month } }),
};

export const KIND_LABELS: Record<string, string> = {
  VAT: "VAT",
  KOR: "korekta",
  ZAL: "zaliczkowa",
  ROZ: "rozliczeniowa",
  UPR: "uproszczona",
  KOR_ZAL: "korekta zaliczkowej",
  KOR_ROZ: "korekta rozliczeniowej",
};

export const DIRECTION_LABELS: Record<Direction, string> = {
  sales: "sprzedaż",
  purchase: "zakup",
  other: "inne",
};

export const APPROVAL_LABELS: Record<Approval, string> = {
  not_required: "nie wymaga",
  pending: "do akceptacji",
  approved: "zaakceptowana",
  rejected: "odrzucona",
};

export const BOOKING_LABELS: Record<Booking, string> = {
  unbooked: "niezaksięgowana",
  booked: "zaksięgowana",
  excluded: "wyłączona z księgowania",
};
