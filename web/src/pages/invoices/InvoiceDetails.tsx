// One invoice: summary, description, category, approval, booking, every XML field, history,
// visualisation (HTML), PDF and the original XML.
import { useEffect, useState } from "react";
import { Link, useLocation, useParams } from "react-router-dom";
import { openDocument } from "../../api/client";
import {
  APPROVAL_LABELS,
  BOOKING_LABELS,
  DIRECTION_LABELS,
  KIND_LABELS,
  invoices,
  type Category,
  type InvoiceDetails as Details,
} from "../../api/invoices";
import { Alert, Loading, Modal, PageHeader, useAction, useLoad } from "../../components/ui";
import { formatDate, formatDateTime, formatMoney } from "../../format";
import { useCompany } from "../../session/company";
import { CategoryChip } from "./InvoiceTable";

const ACTIONS: Record<string, string> = {
  fetched: "pobrano z KSeF",
  categorised: "zmiana kategorii",
  described: "zmiana opisu",
  approved: "akceptacja",
  rejected: "odrzucenie",
  excluded: "wyłączenie z księgowania",
  included: "przywrócenie do księgowania",
  booked: "zaksięgowanie",
  inquiry: "zapytanie",
};

function Summary({ inv }: { inv: Details }) {
  return (
    <dl className="summary">
      <dt>Numer KSeF</dt>
      <dd className="mono">{inv.ksef_number}</dd>
      <dt>Rodzaj</dt>
      <dd>
        {DIRECTION_LABELS[inv.direction]} · {KIND_LABELS[inv.kind] ?? inv.kind}
      </dd>
      <dt>Sprzedawca</dt>
      <dd>
        {inv.seller_name} {inv.seller_nip ? `(NIP ${inv.seller_nip})` : ""}
      </dd>
      <dt>Nabywca</dt>
      <dd>
        {inv.buyer_name} {inv.buyer_nip ? `(NIP ${inv.buyer_nip})` : ""}
      </dd>
      <dt>Data wystawienia</dt>
      <dd>{formatDate(inv.issue_date)}</dd>
      <dt>Data sprzedaży</dt>
      <dd>{formatDate(inv.sale_date)}</dd>
      <dt>Termin płatności</dt>
      <dd>{formatDate(inv.due_date)}</dd>
      <dt>Netto / VAT / brutto</dt>
      <dd>
        {formatMoney(inv.net, inv.currency)} / {formatMoney(inv.vat, inv.currency)} /{" "}
        <strong>{formatMoney(inv.gross, inv.currency)}</strong>
      </dd>
      {inv.split_payment ? (
        <>
          <dt>Płatność</dt>
          <dd>mechanizm podzielonej płatności</dd>
        </>
      ) : null}
      <dt>Akceptacja</dt>
      <dd>{APPROVAL_LABELS[inv.approval]}</dd>
      <dt>Księgowanie</dt>
      <dd>
        {BOOKING_LABELS[inv.booking]}
        {inv.exclude_reason ? ` — ${inv.exclude_reason}` : ""}
      </dd>
      <dt>Kategoria</dt>
      <dd>
        <CategoryChip name={inv.category_name} colour={inv.category_colour} />
      </dd>
    </dl>
  );
}

export function InvoiceDetails() {
  const { id = "" } = useParams();
  const { office } = useCompany();
  const location = useLocation();
  const { data: inv, error, loading, reload } = useLoad(() => invoices.get(id), [id]);
  const categories = useLoad<Category[]>(() => invoices.categories(), []);
  const action = useAction();
  const [description, setDescription] = useState("");
  const [notice, setNotice] = useState("");
  const [showFields, setShowFields] = useState(false);
  const [inquiry, setInquiry] = useState(false);
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  useEffect(() => {
    setDescription(inv?.description ?? "");
  }, [inv]);

  const act = async (fn: () => Promise<unknown>, message: string) => {
    const ok = await action.run(async () => {
      await fn();
      return true;
    });
    if (ok) {
      setNotice(message);
      reload();
    }
  };

  if (loading && !inv) return <Loading />;
  if (!inv) return <Alert>{error || "Nie znaleziono faktury."}</Alert>;
  return (
    <div>
      <p>
        <Link to={`/faktury${location.search}`}>← Wróć do listy faktur</Link>
      </p>
      <PageHeader title={`Faktura ${inv.invoice_number || inv.ksef_number}`}>
        {inv.status === "parsed" ? (
          <>
            <button type="button" className="btn" onClick={() => void action.run(() => openDocument(invoices.htmlUrl(inv.id)))}>
              Wizualizacja
            </button>
            <button type="button" className="btn" onClick={() => void action.run(() => invoices.pdf(inv.id))}>
              Pobierz PDF
            </button>
          </>
        ) : null}
        <button type="button" className="btn" onClick={() => void action.run(() => invoices.xml(inv.id))}>
          Pobierz XML
        </button>
      </PageHeader>
      {inv.company_name && office ? <p className="muted">Firma: {inv.company_name}</p> : null}
      {inv.status === "failed" ? <Alert>Nie udało się odczytać faktury: {inv.error}</Alert> : null}
      <Alert>{action.error}</Alert>
      <Alert kind="success">{notice}</Alert>
      <div className="grid-2">
        <section className="card" aria-labelledby="sum-h">
          <h2 id="sum-h" className="h3">Dane faktury</h2>
          <Summary inv={inv} />
        </section>
        <section className="card" aria-labelledby="work-h">
          <h2 id="work-h" className="h3">Opis i obieg</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void act(() => invoices.describe(inv.id, description), "Opis zapisany.");
            }}
          >
            <div className="field">
              <label htmlFor="inv-desc">Opis</label>
              <textarea id="inv-desc" rows={3} maxLength={5000} value={description} onChange={(e) => setDescription(e.target.value)} />
            </div>
            <button type="submit" className="btn btn-small" disabled={action.busy}>
              Zapisz opis
            </button>
          </form>
          <div className="field">
            <label htmlFor="inv-cat">Kategoria</label>
            <select
              id="inv-cat"
              value={inv.category_id ?? ""}
              onChange={(e) => void act(() => invoices.assignCategory([inv.id], e.target.value || null), "Kategoria zapisana.")}
            >
              <option value="">bez kategorii</option>
              {(categories.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>{c.name}</option>
              ))}
            </select>
          </div>
          <div className="row wrap">
            {!office ? (
              <>
                <button type="button" className="btn" disabled={action.busy} onClick={() => void act(() => invoices.approve([inv.id], true), "Faktura zaakceptowana.")}>
                  Akceptuj
                </button>
                <button type="button" className="btn" disabled={action.busy} onClick={() => void act(() => invoices.approve([inv.id], false), "Faktura odrzucona.")}>
                  Odrzuć
                </button>
              </>
            ) : (
              <button type="button" className="btn" disabled={action.busy} onClick={() => void act(() => invoices.book([inv.id], inv.booking !== "booked"), "Zapisano.")}>
                {inv.booking === "booked" ? "Cofnij zaksięgowanie" : "Zaksięguj"}
              </button>
            )}
            {inv.booking === "excluded" ? (
              <button type="button" className="btn" disabled={action.busy} onClick={() => void act(() => invoices.include([inv.id]), "Przywrócono do księgowania.")}>
                Przywróć do księgowania
              </button>
            ) : (
              <button
                type="button"
                className="btn"
                disabled={action.busy}
                onClick={() => {
                  const reason = window.prompt("Powód wyłączenia z księgowania:");
                  if (reason?.trim()) void act(() => invoices.exclude([inv.id], reason.trim()), "Wyłączono z księgowania.");
                }}
              >
                Wyłącz z księgowania
              </button>
            )}
            <button type="button" className="btn" onClick={() => setInquiry(true)}>
              Zapytaj o fakturę
            </button>
          </div>
        </section>
      </div>
      <section className="card" aria-labelledby="fields-h">
        <h2 id="fields-h" className="h3">
          <button type="button" className="link-button" aria-expanded={showFields} onClick={() => setShowFields((s) => !s)}>
            Wszystkie pola faktury ({inv.fields.length})
          </button>
        </h2>
        {showFields ? (
          <table className="data-table compact">
            <thead>
              <tr>
                <th scope="col">Pole</th>
                <th scope="col">Wartość</th>
              </tr>
            </thead>
            <tbody>
              {inv.fields.map((f, i) => (
                <tr key={i}>
                  <td style={{ paddingLeft: `${0.5 + Number(f.depth ?? 0) * 0.75}rem` }}>
                    {String(f.label ?? f.path)}
                  </td>
                  <td>{String(f.value ?? "")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <section className="card" aria-labelledby="hist-h">
        <h2 id="hist-h" className="h3">Historia</h2>
        <ol className="history">
          {inv.history.map((h, i) => (
            <li key={i}>
              <time>{formatDateTime(String(h.at))}</time> — {ACTIONS[String(h.action)] ?? String(h.action)}
            </li>
          ))}
        </ol>
      </section>
      <Modal title="Zapytanie o fakturę" open={inquiry} onClose={() => setInquiry(false)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => invoices.inquiry([inv.id], subject.trim(), body.trim()), "Zapytanie wysłane.").then(() => setInquiry(false));
          }}
        >
          <div className="field">
            <label htmlFor="d-inq-subject">Temat</label>
            <input id="d-inq-subject" required value={subject} onChange={(e) => setSubject(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="d-inq-body">Treść</label>
            <textarea id="d-inq-body" rows={4} value={body} onChange={(e) => setBody(e.target.value)} />
          </div>
          <button type="submit" className="btn btn-primary" disabled={!subject.trim() || action.busy}>
            Wyślij
          </button>
        </form>
      </Modal>
    </div>
  );
}
