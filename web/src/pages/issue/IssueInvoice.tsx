// Issue a sales invoice: a short form, then send it to KSeF and watch its status until KSeF
// accepts (with its KSeF number) or rejects it.
import { useEffect, useState } from "react";
import { ISSUED_STATUS_LABELS, VAT_RATES, issuing, type IssuedInvoice, type InvoiceLine } from "../../api/issuing";
import { ksef } from "../../api/ksef";
import { ChooseCompanyFirst, CompanyPicker } from "../../components/CompanyPicker";
import { Alert, FieldProblems, PageHeader, StatusBadge, useAction, useLoad } from "../../components/ui";
import { formatDate, formatMoney, todayIso } from "../../format";
import { useRequiredCompany } from "../../session/company";
import { IssuingQueue } from "./IssuingQueue";
import { KsefBanner } from "./KsefBanner";
import { OfflineInfo } from "./OfflineInfo";

const FINAL = new Set(["accepted", "rejected", "draft"]);
const EMPTY_LINE: InvoiceLine = { name: "", unit: "szt.", quantity: "1", unit_net_price: "", vat_rate: "23" };

function statusTone(s: IssuedInvoice["status"]) {
  return s === "accepted" ? "ok" : s === "rejected" ? "bad" : "warn";
}

/** Poll an invoice on its way to KSeF until it reaches a final state. */
function useWatch(id: string | null) {
  const [invoice, setInvoice] = useState<IssuedInvoice | null>(null);
  useEffect(() => {
    if (!id) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const inv = await issuing.get(id);
        if (!live) return;
        setInvoice(inv);
        if (!FINAL.has(inv.status)) timer = setTimeout(poll, 2000);
      } catch {
        if (live) timer = setTimeout(poll, 5000);
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id]);
  return invoice;
}

export function IssueInvoice() {
  const { companyId, office } = useRequiredCompany();
  const [buyerNip, setBuyerNip] = useState("");
  const [buyerName, setBuyerName] = useState("");
  const [buyerAddress, setBuyerAddress] = useState("");
  const [sellerAddress, setSellerAddress] = useState("");
  const [issueDate, setIssueDate] = useState(todayIso());
  const [dueDate, setDueDate] = useState("");
  const [lines, setLines] = useState<InvoiceLine[]>([{ ...EMPTY_LINE }]);
  const [sentId, setSentId] = useState<string | null>(null);
  const action = useAction();
  const watched = useWatch(sentId);
  const recent = useLoad(async () => (companyId ? (await issuing.list(companyId)).items.slice(0, 20) : []), [companyId, watched?.status]);
  const queue = useLoad(() => issuing.queue(), [watched?.status]);
  const availability = useLoad(() => ksef.availability(), [watched?.status]);
  const waiting = (queue.data?.items ?? []).filter((i) => i.company_id === companyId);

  const setLine = (i: number, patch: Partial<InvoiceLine>) =>
    setLines((ls) => ls.map((l, n) => (n === i ? { ...l, ...patch } : l)));

  const submit = async () => {
    if (!companyId) return;
    const sent = await action.run(async () => {
      const draft = await issuing.createDraft(companyId, {
        issue_date: issueDate,
        seller_address: sellerAddress.trim() ? { country: "PL", line1: sellerAddress.trim() } : undefined,
        buyer: {
          nip: buyerNip.replace(/\D/g, "") || undefined,
          name: buyerName.trim(),
          address: buyerAddress.trim() ? { country: "PL", line1: buyerAddress.trim() } : undefined,
        },
        lines: lines.map((l) => ({ ...l, unit_net_price: l.unit_net_price.replace(",", "."), quantity: l.quantity.replace(",", ".") })),
        payment: dueDate ? { due_date: dueDate, method: "transfer" } : undefined,
      });
      return issuing.send(draft.id);
    });
    if (sent) setSentId(sent.id);
  };

  return (
    <div>
      <PageHeader title="Wystaw fakturę sprzedaży" />
      <KsefBanner ksef={availability.data ?? queue.data?.ksef} />
      {office ? <CompanyPicker /> : null}
      {!companyId ? (
        office ? null : <ChooseCompanyFirst />
      ) : (
        <>
          {watched ? (
            <section className="card" aria-live="polite" aria-labelledby="sent-h">
              <h2 id="sent-h" className="h3">
                Faktura {watched.number ?? ""}
              </h2>
              <p>
                Status: <StatusBadge tone={statusTone(watched.status)}>{ISSUED_STATUS_LABELS[watched.status] ?? watched.status}</StatusBadge>
              </p>
              <OfflineInfo invoice={watched} />
              {watched.ksef_number ? (
                <p>
                  Numer KSeF: <strong className="mono">{watched.ksef_number}</strong>
                </p>
              ) : null}
              {watched.error_message ? <Alert>{watched.error_message}</Alert> : null}
              <div className="row wrap">
                {watched.status !== "draft" ? (
                  <button type="button" className="btn" onClick={() => void action.run(() => issuing.pdf(watched.id))}>
                    Pobierz PDF
                  </button>
                ) : null}
                {watched.has_upo ? (
                  <button type="button" className="btn" onClick={() => void action.run(() => issuing.upo(watched.id))}>
                    Pobierz UPO
                  </button>
                ) : null}
              </div>
            </section>
          ) : null}
          <form
            className="card"
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <fieldset>
              <legend>Nabywca</legend>
              <div className="row wrap">
                <div className="field">
                  <label htmlFor="buyer-nip">NIP nabywcy</label>
                  <input id="buyer-nip" inputMode="numeric" value={buyerNip} onChange={(e) => setBuyerNip(e.target.value)} />
                </div>
                <div className="field grow">
                  <label htmlFor="buyer-name">Nazwa nabywcy</label>
                  <input id="buyer-name" required value={buyerName} onChange={(e) => setBuyerName(e.target.value)} />
                </div>
              </div>
              <div className="field">
                <label htmlFor="buyer-address">Adres nabywcy</label>
                <input id="buyer-address" value={buyerAddress} onChange={(e) => setBuyerAddress(e.target.value)} />
              </div>
            </fieldset>
            <div className="field">
              <label htmlFor="seller-address">Adres sprzedawcy</label>
              <input id="seller-address" aria-describedby="seller-address-hint" value={sellerAddress} onChange={(e) => setSellerAddress(e.target.value)} />
              <small id="seller-address-hint" className="hint">Zostaw puste, by użyć adresu firmy zapisanego w systemie.</small>
            </div>
            <div className="row wrap">
              <div className="field">
                <label htmlFor="issue-date">Data wystawienia</label>
                <input id="issue-date" type="date" required value={issueDate} onChange={(e) => setIssueDate(e.target.value)} />
              </div>
              <div className="field">
                <label htmlFor="due-date">Termin płatności</label>
                <input id="due-date" type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
              </div>
            </div>
            <fieldset>
              <legend>Pozycje</legend>
              {lines.map((l, i) => (
                <div className="row wrap line" key={i}>
                  <div className="field grow">
                    <label htmlFor={`line-name-${i}`}>Nazwa towaru lub usługi</label>
                    <input id={`line-name-${i}`} required value={l.name} onChange={(e) => setLine(i, { name: e.target.value })} />
                  </div>
                  <div className="field small-field">
                    <label htmlFor={`line-qty-${i}`}>Ilość</label>
                    <input id={`line-qty-${i}`} inputMode="decimal" required value={l.quantity} onChange={(e) => setLine(i, { quantity: e.target.value })} />
                  </div>
                  <div className="field small-field">
                    <label htmlFor={`line-price-${i}`}>Cena netto</label>
                    <input id={`line-price-${i}`} inputMode="decimal" required value={l.unit_net_price} onChange={(e) => setLine(i, { unit_net_price: e.target.value })} />
                  </div>
                  <div className="field small-field">
                    <label htmlFor={`line-vat-${i}`}>VAT</label>
                    <select id={`line-vat-${i}`} value={l.vat_rate} onChange={(e) => setLine(i, { vat_rate: e.target.value })}>
                      {VAT_RATES.map((r) => (
                        <option key={r} value={r}>{/^\d+$/.test(r) ? `${r}%` : r}</option>
                      ))}
                    </select>
                  </div>
                  {lines.length > 1 ? (
                    <button type="button" className="btn btn-small" onClick={() => setLines((ls) => ls.filter((_, n) => n !== i))}>
                      Usuń pozycję
                    </button>
                  ) : null}
                </div>
              ))}
              <button type="button" className="btn btn-small" onClick={() => setLines((ls) => [...ls, { ...EMPTY_LINE }])}>
                Dodaj pozycję
              </button>
            </fieldset>
            <Alert>{action.error}</Alert>
            <FieldProblems details={action.details} />
            <button type="submit" className="btn btn-primary" disabled={action.busy}>
              {action.busy ? "Wysyłanie…" : "Wystaw i wyślij do KSeF"}
            </button>
          </form>
          {queue.error ? <Alert>{queue.error}</Alert> : null}
          {queue.data ? <IssuingQueue items={waiting} /> : null}
          <section className="card" aria-labelledby="recent-h">
            <h2 id="recent-h" className="h3">Ostatnio wystawione</h2>
            {recent.error ? <Alert>{recent.error}</Alert> : null}
            {(recent.data ?? []).length === 0 ? <p className="muted">Brak wystawionych faktur.</p> : null}
            <ul className="plain-list">
              {(recent.data ?? []).map((r) => (
                <li key={r.id}>
                  {r.number ?? "szkic"} · {formatDate(r.issue_date)} · {r.buyer_name} · {formatMoney(r.gross, r.currency)} ·{" "}
                  <StatusBadge tone={statusTone(r.status)}>{ISSUED_STATUS_LABELS[r.status] ?? r.status}</StatusBadge>
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </div>
  );
}
