// How an invoice issued outside KSeF is to reach it: its offline mode and the legal deadline.
import type { IssuedInvoice } from "../../api/issuing";
import { StatusBadge } from "../../components/ui";

/** The offline mode and deadline of an invoice (nothing for one issued online). */
export function OfflineInfo({ invoice }: { invoice: IssuedInvoice & { overdue?: boolean } }) {
  if (!invoice.offline_mode) return null;
  return (
    <dl className="summary">
      <dt>Tryb wystawienia</dt>
      <dd>{invoice.offline_mode_label ?? invoice.offline_mode}</dd>
      <dt>Termin wysłania do KSeF</dt>
      <dd>
        <DeadlineLabel invoice={invoice} />
      </dd>
    </dl>
  );
}

/** The deadline in words ("do 23.11.2026", or why it is not known yet), flagged when missed. */
export function DeadlineLabel({ invoice }: { invoice: IssuedInvoice & { overdue?: boolean } }) {
  return (
    <>
      {invoice.deadline_label ?? "—"}
      {invoice.overdue ? (
        <>
          {" "}
          <StatusBadge tone="bad">po terminie</StatusBadge>
        </>
      ) : null}
    </>
  );
}
