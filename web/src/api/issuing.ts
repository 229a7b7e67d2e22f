// invoices/issuing: drafts of sales invoices, sending to KSeF, status, PDF and UPO.
import { api, download } from "./client";
import type { KsefAvailability } from "./ksef";

export type IssuedStatus = "draft" | "queued" | "sending" | "offline" | "accepted" | "rejected";

export interface InvoiceLine {
  name: string;
  unit?: string;
  quantity: string;
  unit_net_price: string;
  vat_rate: string;
}

export interface InvoiceForm {
  kind?: string;
  number?: string;
  issue_date: string;
  sale_date?: string;
  seller_address?: { country: string; line1: string; line2?: string };
  buyer: { nip?: string; name: string; address?: { country: string; line1: string; line2?: string } };
  lines: InvoiceLine[];
  currency?: string;
  payment?: { due_date?: string; method?: string; bank_account?: string };
  notes?: string;
}

export interface IssuedInvoice {
  id: string;
  company_id: string;
  kind: string;
  status: IssuedStatus;
  number: string | null;
  issue_date: string;
  buyer_nip: string | null;
  buyer_name: string;
  currency: string;
  net: string;
  vat: string;
  gross: string;
  ksef_number: string | null;
  error_message: string | null;
  has_upo?: boolean;
  created_at: string;
  /** Set when issued offline: offline24, offline, awaryjny or total, with its Polish label. */
  offline_mode?: string | null;
  offline_mode_label?: string | null;
  offline_deadline?: string | null;
  /** "do 23.11.2026", or why the deadline is not known yet. */
  deadline_label?: string | null;
}

export interface QueuedInvoice extends IssuedInvoice {
  overdue: boolean;
}

/** Invoices waiting for KSeF, the closest deadline first, and KSeF's availability now. */
export interface IssuingQueue {
  ksef: Pick<KsefAvailability, "status" | "mode" | "message" | "since" | "until">;
  items: QueuedInvoice[];
}

export const issuing = {
  list: (companyId?: string) => api<{ items: IssuedInvoice[] }>("/invoices/issuing/invoices", { query: { company_id: companyId } }),
  queue: () => api<IssuingQueue>("/invoices/issuing/queue"),
  get: (id: string) => api<IssuedInvoice>(`/invoices/issuing/invoices/${id}`),
  createDraft: (companyId: string, form: InvoiceForm) =>
    api<IssuedInvoice>(`/invoices/issuing/companies/${companyId}/invoices`, { json: form }),
  send: (id: string, mode: "online" | "offline24" = "online") =>
    api<IssuedInvoice>(`/invoices/issuing/invoices/${id}/send`, { json: { mode } }),
  pdf: (id: string) => download(`/invoices/issuing/invoices/${id}/pdf`),
  upo: (id: string) => download(`/invoices/issuing/invoices/${id}/upo`),
};

export const ISSUED_STATUS_LABELS: Record<IssuedStatus, string> = {
  draft: "szkic",
  queued: "w kolejce do KSeF",
  sending: "wysyłanie do KSeF",
  offline: "wystawiona offline — czeka na KSeF",
  accepted: "przyjęta przez KSeF",
  rejected: "odrzucona przez KSeF",
};

export const VAT_RATES = ["23", "8", "5", "0 KR", "zw", "np I"];
