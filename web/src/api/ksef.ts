// ksef-gateway: a company's KSeF authorisation and sync; the office's central authorisation.
import { api, download } from "./client";

export interface SyncStatus {
  direction: string;
  checkpoint: string;
  next_due_at: string;
  last_finished_at: string | null;
  last_error: string | null;
  fetched_total: number;
  enabled: boolean;
}

export interface Authorization {
  method: string;
  status: string;
  valid_until: string | null;
  permissions: string[];
  message: string | null;
  checked_at: string | null;
  awaiting_signed_xml: boolean;
}

export interface CompanyKsef {
  company_id: string;
  nip: string;
  name: string;
  authorization: Authorization | null;
  sync: SyncStatus[];
}

export interface OfficeCredential {
  kind: string;
  subject: string;
  valid_from: string;
  valid_until: string;
  status: string;
}

export type OfflineMode = "offline" | "awaryjny" | "total";

/** KSeF's availability as the gateway last saw it (status service + its own requests). */
export interface KsefAvailability {
  status: "available" | "unavailable";
  mode: OfflineMode | null;
  source?: string;
  since?: string;
  until?: string | null;
  message: string;
  checked_at?: string | null;
}

const base = (companyId: string) => `/ksef-gateway/companies/${companyId}/ksef`;

export const ksef = {
  availability: () => api<KsefAvailability>("/ksef-gateway/ksef/availability"),
  status: (companyId: string) => api<CompanyKsef>(base(companyId)),
  useToken: (companyId: string, token: string, syncFrom?: string) =>
    api<CompanyKsef>(`${base(companyId)}/token`, { method: "PUT", json: { token, sync_from: syncFrom || undefined } }),
  useCertificate: (companyId: string, certificate: string, key: string, password?: string) =>
    api<CompanyKsef>(`${base(companyId)}/certificate`, {
      method: "PUT",
      json: { certificate_pem: certificate, private_key_pem: key, password: password || undefined },
    }),
  downloadAuthRequest: (companyId: string) => download(`${base(companyId)}/auth-request`, { method: "POST" }),
  uploadSigned: (companyId: string, xml: Blob) =>
    api<CompanyKsef>(`${base(companyId)}/signed-request`, {
      method: "PUT",
      body: xml,
      headers: { "Content-Type": "application/xml" },
    }),
  useOffice: (companyId: string) => api<CompanyKsef>(`${base(companyId)}/office`, { method: "PUT", json: {} }),
  remove: (companyId: string) => api<void>(base(companyId), { method: "DELETE" }),
  syncNow: (companyId: string) => api<{ queued: number }>(`${base(companyId)}/sync`, { method: "POST" }),
  officeClients: () => api<CompanyKsef[]>("/ksef-gateway/office/clients"),
  verifyAll: () => api<Authorization[]>("/ksef-gateway/office/clients/verify", { method: "POST" }),
  verifyClient: (companyId: string) =>
    api<CompanyKsef>(`/ksef-gateway/office/clients/${companyId}/verify`, { method: "POST" }),
  officeCredential: () => api<OfficeCredential>("/ksef-gateway/office/credential"),
};

export const AUTH_STATUS_LABELS: Record<string, string> = {
  active: "aktywna",
  expired: "wygasła",
  revoked: "unieważniona",
  no_permission: "brak uprawnień",
  failed: "błąd logowania",
  removed: "usunięta",
};

export const AUTH_METHOD_LABELS: Record<string, string> = {
  token: "token KSeF",
  signed_xml: "podpis zewnętrzny",
  certificate: "certyfikat",
  office: "uprawnienie biura",
  none: "brak",
};

/** Modes KSeF's unavailability puts newly issued invoices in (KSeF rules, as the API names them). */
export const OFFLINE_MODE_LABELS: Record<string, string> = {
  offline24: "offline24 (wybór wystawcy)",
  offline: "offline (niedostępność KSeF)",
  awaryjny: "tryb awaryjny (awaria KSeF)",
  total: "awaria całkowita KSeF",
};
