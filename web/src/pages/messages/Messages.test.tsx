import { act, screen, within } from "@testing-library/react";
import { setAccessToken } from "../../api/client";
import { subscribeMessages } from "../../api/messaging";
import { fakeFetch, renderAs } from "../../test/helpers";
import { Messages } from "./Messages";

/** A stand-in for the browser's EventSource: the test pushes server-sent events. */
class FakeEventSource {
  static CLOSED = 2;
  static opened: FakeEventSource[] = [];
  readyState = 1;
  listeners: Record<string, ((e: MessageEvent) => void)[]> = {};
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    (this.listeners[type] ??= []).push(fn);
  }
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
  emit(type: string, data: unknown) {
    (this.listeners[type] ?? []).forEach((fn) => fn(new MessageEvent(type, { data: JSON.stringify(data) })));
  }
}

const THREAD = { id: "t1", company_id: "c", office_id: "o", subject: "Pytanie o paliwo", created_by: null, created_at: "2026-03-01T10:00:00Z", invoices: [] };

function message(seq: number, body: string, side = "company") {
  return { id: `m${seq}`, thread_id: "t1", seq, author_user_id: null, author_name: null, author_side: side, body, created_at: "2026-03-01T10:00:00Z", attachments: [] };
}

describe("the messages screen", () => {
  it("shows a reply the moment the event stream announces it, on one shared stream", async () => {
    FakeEventSource.opened = [];
    vi.stubGlobal("EventSource", FakeEventSource);
    const stored = [message(1, "Czy te faktury mam zaakceptować?")];
    fakeFetch({
      "GET /api/auth/me": { body: { user: { id: "u", email: "a@b.pl", full_name: null, status: "active", totp_enabled: false }, contexts: [], pending_invitations: [] } },
      "GET /api/messaging/threads": { body: { items: [{ thread: THREAD, company_name: null, unread: 0, last_message: stored.at(-1) }], next_before: null } },
      "GET /api/messaging/threads/t1": { body: THREAD },
      "GET /api/messaging/threads/t1/messages": () => ({ body: { items: [...stored], next_after: null } }),
      "POST /api/messaging/threads/t1/read": { status: 204 },
    });
    renderAs(<Messages />, "/wiadomosci/t1", "/wiadomosci/:id");
    const list = await screen.findByRole("list", { name: "Wiadomości w wątku" });
    expect(await within(list).findByText("Czy te faktury mam zaakceptować?")).toBeInTheDocument();
    expect(FakeEventSource.opened).toHaveLength(1);
    expect(FakeEventSource.opened[0].url).toBe("/api/messaging/threads/stream?access_token=token");

    stored.push(message(2, "Tak, proszę je zaakceptować.", "office"));
    act(() => FakeEventSource.opened[0].emit("message", { thread_id: "t1", message_id: "m2", company_id: "c" }));
    expect(await within(list).findByText("Tak, proszę je zaakceptować.")).toBeInTheDocument();
    expect(list.children).toHaveLength(2);
  });
});

describe("the live message stream", () => {
  it("opens again with each new access token and closes when nobody listens", () => {
    FakeEventSource.opened = [];
    vi.stubGlobal("EventSource", FakeEventSource);
    setAccessToken("first");
    const stopA = subscribeMessages(() => undefined);
    const stopB = subscribeMessages(() => undefined);
    expect(FakeEventSource.opened.map((s) => s.url)).toEqual(["/api/messaging/threads/stream?access_token=first"]);
    setAccessToken("second"); // a refresh, or another context
    expect(FakeEventSource.opened.map((s) => s.readyState)).toEqual([FakeEventSource.CLOSED, 1]);
    expect(FakeEventSource.opened[1].url).toBe("/api/messaging/threads/stream?access_token=second");
    stopA();
    expect(FakeEventSource.opened[1].readyState).toBe(1);
    stopB();
    expect(FakeEventSource.opened[1].readyState).toBe(FakeEventSource.CLOSED);
  });
});
