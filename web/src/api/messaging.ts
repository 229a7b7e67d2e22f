// messaging: threads, messages, unread counts, live updates, notification settings.
import { api, buildUrl, getTokens } from "./client";

export interface Attachment {
  file_id: string;
  name: string;
}

export interface Message {
  id: string;
  thread_id: string;
  seq: number;
  author_user_id: string | null;
  author_name: string | null;
  author_side: string;
  body: string;
  created_at: string;
  attachments: Attachment[];
}

export interface InvoiceRef {
  invoice_id: string;
  ksef_number: string | null;
  invoice_number: string | null;
  counterparty: string | null;
  href: string;
}

export interface Thread {
  id: string;
  company_id: string;
  office_id: string | null;
  subject: string;
  created_by: string | null;
  created_at: string;
  invoices: InvoiceRef[];
}

export interface ThreadSummary {
  thread: Thread;
  company_name: string | null;
  unread: number;
  last_message: Message | null;
}

export interface NotificationCategory {
  key: string;
  label: string;
  enabled: boolean;
}

export const messaging = {
  threads: (companyId?: string, before?: number) =>
    api<{ items: ThreadSummary[]; next_before: number | null }>("/messaging/threads", {
      query: { company_id: companyId, before },
    }),
  thread: (id: string) => api<Thread>(`/messaging/threads/${id}`),
  messages: (id: string, after = 0) =>
    api<{ items: Message[]; next_after: number | null }>(`/messaging/threads/${id}/messages`, { query: { after } }),
  start: (input: { company_id?: string; subject: string; body: string; attachments?: Attachment[] }) =>
    api<{ thread: Thread; message: Message }>("/messaging/threads", { json: input }),
  reply: (id: string, body: string, attachments: Attachment[] = []) =>
    api<Message>(`/messaging/threads/${id}/messages`, { json: { body, attachments } }),
  markRead: (id: string) => api<void>(`/messaging/threads/${id}/read`, { method: "POST" }),
  unread: () => api<{ unread: number }>("/messaging/threads/unread"),
  notificationSettings: () => api<{ email: NotificationCategory[] }>("/messaging/settings/notifications"),
  saveNotificationSettings: (email: Record<string, boolean>) =>
    api<{ email: NotificationCategory[] }>("/messaging/settings/notifications", { method: "PUT", json: { email } }),
};

/**
 * Server-sent events of new messages. EventSource cannot send headers, so the access token
 * travels in the query (the gateway does not log this path). Returns a function that closes it.
 */
export function subscribeMessages(onEvent: (event: { thread_id?: string; company_id?: string }) => void): () => void {
  const token = getTokens()?.access;
  if (!token || typeof EventSource === "undefined") return () => undefined;
  const source = new EventSource(buildUrl("/messaging/threads/stream", { access_token: token }));
  const handle = (e: MessageEvent) => {
    try {
      onEvent(JSON.parse(e.data as string));
    } catch {
      onEvent({});
    }
  };
  source.addEventListener("message", handle);
  source.addEventListener("message.posted", handle as EventListener);
  return () => source.close();
}
