// Messages: threads with unread counts, one thread's conversation, replies, new conversation,
// live updates over server-sent events.
import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { messaging, subscribeMessages, type Message, type ThreadSummary } from "../../api/messaging";
import { CompanyPicker } from "../../components/CompanyPicker";
import { Alert, Loading, Modal, PageHeader, useAction, useLoad } from "../../components/ui";
import { formatDateTime } from "../../format";
import { useCompany } from "../../session/company";

function useLiveTick(): number {
  const [tick, setTick] = useState(0);
  useEffect(() => subscribeMessages(() => setTick((t) => t + 1)), []);
  return tick;
}

function ThreadList({ items, current, search }: { items: ThreadSummary[]; current?: string; search: string }) {
  if (items.length === 0) return <p className="empty">Brak wątków.</p>;
  return (
    <ul className="thread-list">
      {items.map((s) => (
        <li key={s.thread.id}>
          <Link
            to={`/wiadomosci/${s.thread.id}${search}`}
            className={s.thread.id === current ? "thread current" : "thread"}
            aria-current={s.thread.id === current ? "page" : undefined}
          >
            <span className="thread-subject">
              {s.thread.subject}
              {s.unread > 0 ? <span className="count"><span aria-hidden="true">{s.unread}</span><span className="sr-only">{s.unread} nieprzeczytanych</span></span> : null}
            </span>
            <span className="muted small">
              {s.company_name ? `${s.company_name} · ` : ""}
              {s.last_message ? formatDateTime(s.last_message.created_at) : ""}
            </span>
            {s.last_message ? <span className="thread-preview">{s.last_message.body.slice(0, 90)}</span> : null}
          </Link>
        </li>
      ))}
    </ul>
  );
}

function Conversation({ threadId, tick, onRead }: { threadId: string; tick: number; onRead: () => void }) {
  const thread = useLoad(() => messaging.thread(threadId), [threadId]);
  const [messages, setMessages] = useState<Message[]>([]);
  const [error, setError] = useState("");
  const [text, setText] = useState("");
  const send = useAction();
  const endRef = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    try {
      const all: Message[] = [];
      let after = 0;
      for (;;) {
        const page = await messaging.messages(threadId, after);
        all.push(...page.items);
        if (!page.next_after) break;
        after = page.next_after;
      }
      setMessages(all);
      await messaging.markRead(threadId);
      onRead();
    } catch (e) {
      setError((e as Error).message);
    }
  }, [threadId, onRead]);
  useEffect(() => {
    void load();
  }, [load, tick]);
  // braces: newer Chromium returns a promise from scrollIntoView, which React would take for
  // the effect's clean-up function and call
  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: "end" });
  }, [messages.length]);

  return (
    <section className="conversation" aria-labelledby="conv-h">
      <h2 id="conv-h" className="h3">{thread.data?.subject ?? "…"}</h2>
      {thread.data?.invoices.length ? (
        <p className="small">
          Dotyczy faktur:{" "}
          {thread.data.invoices.map((i, n) => (
            <span key={i.invoice_id}>
              {n > 0 ? ", " : ""}
              <Link to={`/faktury/${i.invoice_id}`}>{i.invoice_number ?? i.ksef_number}</Link>
            </span>
          ))}
        </p>
      ) : null}
      <Alert>{error || thread.error}</Alert>
      <ol className="messages" aria-live="polite" aria-label="Wiadomości w wątku">
        {messages.map((m) => (
          <li key={m.id} className={`message side-${m.author_side}`}>
            <div className="message-meta">
              <strong>{m.author_name ?? (m.author_side === "office" ? "Biuro" : m.author_side === "system" ? "System" : "Firma")}</strong>{" "}
              <time dateTime={m.created_at}>{formatDateTime(m.created_at)}</time>
            </div>
            <div className="message-body">{m.body}</div>
            {m.attachments.length ? (
              <ul className="small">
                {m.attachments.map((a) => (
                  <li key={a.file_id}>📎 {a.name}</li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
      <div ref={endRef} />
      <form
        className="reply"
        onSubmit={async (e) => {
          e.preventDefault();
          const sent = await send.run(() => messaging.reply(threadId, text.trim()));
          if (sent) {
            setText("");
            setMessages((list) => (list.some((m) => m.id === sent.id) ? list : [...list, sent]));
          }
        }}
      >
        <div className="field">
          <label htmlFor="reply-text">Odpowiedź</label>
          <textarea id="reply-text" rows={3} required maxLength={10000} value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <Alert>{send.error}</Alert>
        <button type="submit" className="btn btn-primary" disabled={send.busy || !text.trim()}>
          Wyślij
        </button>
      </form>
    </section>
  );
}

export function Messages() {
  const { id } = useParams();
  const { companyId, office } = useCompany();
  const navigate = useNavigate();
  const tick = useLiveTick();
  const [listTick, setListTick] = useState(0);
  const threads = useLoad(() => messaging.threads(companyId), [companyId, tick, listTick]);
  const [newOpen, setNewOpen] = useState(false);
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const start = useAction();
  const search = office && companyId ? `?firma=${companyId}` : "";
  const onRead = useCallback(() => setListTick((t) => t + 1), []);

  return (
    <div>
      <PageHeader title="Wiadomości">
        <button type="button" className="btn btn-primary" onClick={() => setNewOpen(true)}>
          Nowa rozmowa
        </button>
      </PageHeader>
      {office ? <CompanyPicker allowAll /> : null}
      <Alert>{threads.error}</Alert>
      <div className={id ? "split has-detail" : "split"}>
        <div className="split-list">
          {threads.loading && !threads.data ? <Loading /> : null}
          <ThreadList items={threads.data?.items ?? []} current={id} search={search} />
        </div>
        <div className="split-detail">
          {id ? (
            <>
              <Link className="back-link" to={`/wiadomosci${search}`}>← Wszystkie wątki</Link>
              <Conversation threadId={id} tick={tick} onRead={onRead} />
            </>
          ) : (
            <p className="muted">Wybierz wątek z listy albo rozpocznij nową rozmowę.</p>
          )}
        </div>
      </div>
      <Modal title="Nowa rozmowa" open={newOpen} onClose={() => setNewOpen(false)}>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const posted = await start.run(() =>
              messaging.start({ company_id: office ? companyId : undefined, subject: subject.trim(), body: body.trim() }),
            );
            if (posted) {
              setNewOpen(false);
              setSubject("");
              setBody("");
              threads.reload();
              navigate(`/wiadomosci/${posted.thread.id}${search}`);
            }
          }}
        >
          {office ? <CompanyPicker label="Do firmy" /> : null}
          {office && !companyId ? <p className="hint">Wybierz firmę, do której piszesz.</p> : null}
          <div className="field">
            <label htmlFor="new-subject">Temat</label>
            <input id="new-subject" required maxLength={300} value={subject} onChange={(e) => setSubject(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="new-body">Wiadomość</label>
            <textarea id="new-body" required rows={5} value={body} onChange={(e) => setBody(e.target.value)} />
          </div>
          <Alert>{start.error}</Alert>
          <button type="submit" className="btn btn-primary" disabled={start.busy || !subject.trim() || !body.trim() || (office && !companyId)}>
            Wyślij
          </button>
        </form>
      </Modal>
    </div>
  );
}
