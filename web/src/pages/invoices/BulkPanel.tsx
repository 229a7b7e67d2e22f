// The side menu for the selected invoices: category, approval, booking, export, inquiry.
import { useState } from "react";
import { invoices, type Category, type ExportFormat } from "../../api/invoices";
import { Alert, Modal, useAction } from "../../components/ui";

const FORMATS: { value: ExportFormat; label: string }[] = [
  { value: "pdf", label: "PDF (wizualizacje)" },
  { value: "xml", label: "XML FA(3) (zip)" },
  { value: "csv", label: "CSV (arkusz)" },
  { value: "optima", label: "Comarch Optima (XML)" },
  { value: "epp", label: "EDI++ (Subiekt, Rewizor)" },
];

export function BulkPanel({
  ids,
  categories,
  office,
  onDone,
  onClear,
}: {
  ids: string[];
  categories: Category[];
  office: boolean;
  onDone: (message: string) => void;
  onClear: () => void;
}) {
  const { busy, error, run } = useAction();
  const [categoryId, setCategoryId] = useState("");
  const [format, setFormat] = useState<ExportFormat>("pdf");
  const [inquiryOpen, setInquiryOpen] = useState(false);
  const [excludeOpen, setExcludeOpen] = useState(false);
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [reason, setReason] = useState("");
  const n = ids.length;

  const act = async (action: () => Promise<unknown>, message: string) => {
    const ok = await run(async () => {
      await action();
      return true;
    });
    if (ok) onDone(message);
  };

  return (
    <aside className="bulk-panel" aria-label="Działania na zaznaczonych fakturach">
      {/* the way out first: on a phone the panel is a bottom sheet over the list */}
      <div className="row spread">
        <h2 className="h3">
          Zaznaczono: <span data-testid="selected-count">{n}</span>
        </h2>
        <button type="button" className="link-button" onClick={onClear}>
          Odznacz wszystkie
        </button>
      </div>
      <Alert>{error}</Alert>
      <div className="field">
        <label htmlFor="bulk-category">Kategoria</label>
        <select id="bulk-category" value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
          <option value="">— wybierz —</option>
          <option value="__none">usuń kategorię</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>{c.name}</option>
          ))}
        </select>
      </div>
      <button
        type="button"
        className="btn btn-primary"
        disabled={busy || !categoryId}
        onClick={() =>
          void act(
            () => invoices.assignCategory(ids, categoryId === "__none" ? null : categoryId),
            categoryId === "__none" ? `Usunięto kategorię z ${n} faktur.` : `Przypisano kategorię do ${n} faktur.`,
          )
        }
      >
        Przypisz kategorię
      </button>
      <hr />
      {!office ? (
        <div className="row wrap">
          <button type="button" className="btn" disabled={busy} onClick={() => void act(() => invoices.approve(ids, true), `Zaakceptowano ${n} faktur.`)}>
            Akceptuj
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => void act(() => invoices.approve(ids, false), `Odrzucono ${n} faktur.`)}>
            Odrzuć
          </button>
        </div>
      ) : (
        <div className="row wrap">
          <button type="button" className="btn" disabled={busy} onClick={() => void act(() => invoices.book(ids, true), `Oznaczono ${n} faktur jako zaksięgowane.`)}>
            Zaksięguj
          </button>
        </div>
      )}
      <div className="row wrap">
        <button type="button" className="btn" disabled={busy} onClick={() => setExcludeOpen(true)}>
          Wyłącz z księgowania
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => void act(() => invoices.include(ids), `Przywrócono ${n} faktur do księgowania.`)}>
          Przywróć
        </button>
      </div>
      <hr />
      <div className="field">
        <label htmlFor="bulk-format">Format eksportu</label>
        <select id="bulk-format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
          {FORMATS.map((f) => (
            <option key={f.value} value={f.value}>{f.label}</option>
          ))}
        </select>
      </div>
      <button type="button" className="btn" disabled={busy} onClick={() => void act(() => invoices.export(ids, format), "Eksport pobrany.")}>
        Eksportuj
      </button>
      <hr />
      <button type="button" className="btn" disabled={busy} onClick={() => setInquiryOpen(true)}>
        Utwórz zapytanie
      </button>

      <Modal title="Zapytanie o faktury" open={inquiryOpen} onClose={() => setInquiryOpen(false)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => invoices.inquiry(ids, subject.trim(), body.trim()), "Zapytanie wysłane — wątek pojawi się w Wiadomościach.").then(() => {
              setInquiryOpen(false);
              setSubject("");
              setBody("");
            });
          }}
        >
          <p>Zapytanie dotyczy {n} zaznaczonych faktur; druga strona zobaczy je w wątku.</p>
          <div className="field">
            <label htmlFor="inq-subject">Temat</label>
            <input id="inq-subject" required maxLength={300} value={subject} onChange={(e) => setSubject(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="inq-body">Treść</label>
            <textarea id="inq-body" rows={5} maxLength={10000} value={body} onChange={(e) => setBody(e.target.value)} />
          </div>
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={busy || !subject.trim()}>
              Wyślij zapytanie
            </button>
            <button type="button" className="btn" onClick={() => setInquiryOpen(false)}>
              Anuluj
            </button>
          </div>
        </form>
      </Modal>

      <Modal title="Wyłączenie z księgowania" open={excludeOpen} onClose={() => setExcludeOpen(false)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => invoices.exclude(ids, reason.trim()), `Wyłączono ${n} faktur z księgowania.`).then(() => {
              setExcludeOpen(false);
              setReason("");
            });
          }}
        >
          <div className="field">
            <label htmlFor="exclude-reason">Powód</label>
            <textarea id="exclude-reason" rows={3} required value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <button type="submit" className="btn btn-primary" disabled={busy || !reason.trim()}>
            Wyłącz z księgowania
          </button>
        </form>
      </Modal>
    </aside>
  );
}
