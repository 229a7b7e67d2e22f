// files: the company's exchange (two tabs: from the office, from the company), upload, download.
import { api, request } from "./client";

export type Side = "office" | "company";

export interface FileItem {
  id: string;
  company_id: string;
  side: Side;
  name: string;
  size: number;
  sha256: string;
  content_type: string;
  month: string;
  purpose: string;
  thread_id: string | null;
  uploaded_by: string;
  created_at: string;
  deletable: boolean;
}

const base = (companyId: string) => `/files/companies/${companyId}/files`;

export const files = {
  list: (companyId: string, side?: Side, month?: string, after?: string) =>
    api<{ items: FileItem[]; next_after: string | null }>(base(companyId), { query: { side, month, after } }),
  months: (companyId: string, side?: Side) => api<{ month: string; files: number }[]>(`${base(companyId)}/months`, { query: { side } }),
  upload: async (companyId: string, file: File, month?: string, threadId?: string) => {
    const form = new FormData();
    form.append("file", file, file.name);
    const response = await request(base(companyId), {
      method: "POST",
      body: form,
      query: { month, thread_id: threadId },
    });
    return (await response.json()) as FileItem;
  },
  downloadUrl: (companyId: string, fileId: string) =>
    api<{ url: string; expires_at: string }>(`${base(companyId)}/${fileId}/download`),
  remove: (companyId: string, fileId: string) => api<void>(`${base(companyId)}/${fileId}`, { method: "DELETE" }),
};
