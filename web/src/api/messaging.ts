// messaging: threads, messages, unread counts, live updates, notification settings.
import { api, buildUrl, getAccessToken, onTokensChange, refreshTokens } from "./client";

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

export interface LiveEvent {
  thread_id?: string;
  message_id?: string;
  company_id?: string;
}

// One EventSource for the whole page, shared by every screen that listens (the unread badge
// and the messages screen): browsers allow only six HTTP/1.1 connections per host.
const subscribers = new Set<(event: LiveEvent) => void>();
let source: EventSource | null = null;
let retry: ReturnType<typeof setTimeout> | undefined;
let unlisten: (() => void) | null = null;

function deliver(e: MessageEvent): void {
  let event: LiveEvent = {};
  try {
    event = JSON.parse(e.data as string) as LiveEvent;
  } catch {
    /* a message we cannot read still means "something changed" */
  }
  subscribers.forEach((s) => s(event));
}

function live(on: boolean): void {
  if (typeof document === "undefined") return;
  if (on) document.documentElement.dataset.messagesLive = "";
  else delete document.documentElement.dataset.messagesLive;
}

/** (Re)open the stream with this access token: after a refresh or a change of context. */
function open(token: string | null): void {
  source?.close();
  source = null;
  live(false);
  clearTimeout(retry);
  if (!token || subscribers.size === 0) return;
  const opened = new EventSource(buildUrl("/messaging/threads/stream", { access_token: token }));
  opened.addEventListener("message", deliver);
  // The server greets a new stream with `ready`; the mark lets tests (and debugging) see that
  // live updates flow.
  opened.addEventListener("ready", () => live(opened === source));
  opened.addEventListener("error", () => {
    // EventSource reconnects by itself after a stream ends; it gives up (CLOSED) when the
    // server refuses, usually because the access token in the URL expired: get a new one
    // (the token listener opens the stream again), or try once more a little later.
    if (opened !== source) return;
    live(false);
    if (opened.readyState !== EventSource.CLOSED) return;
    retry = setTimeout(async () => {
      const before = getAccessToken();
      await refreshTokens();
      if (before && getAccessToken() === before) open(before);
    }, 5000);
  });
  source = opened;
}

/**
 * Server-sent events of new messages the caller may read. EventSource cannot send headers,
 * so the access token travels in the query (the gateway keeps this path out of its access
 * log). Returns a function that stops listening.
 */
export function subscribeMessages(onEvent: (event: LiveEvent) => void): () => void {
  if (typeof EventSource === "undefined") return () => undefined;
  subscribers.add(onEvent);
  if (subscribers.size === 1) {
    unlisten = onTokensChange(open);
    open(getAccessToken());
  }
  return () => {
    subscribers.delete(onEvent);
    if (subscribers.size > 0) return;
    unlisten?.();
    unlisten = null;
    open(null);
  };
}
