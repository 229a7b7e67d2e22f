// KSeF's availability on the issuing screens: while KSeF is down, new invoices are issued
// offline and sent automatically later, and the user must know it before issuing one.
import type { KsefAvailability } from "../../api/ksef";
import { OFFLINE_MODE_LABELS } from "../../api/ksef";
import { formatDateTime } from "../../format";

type Shown = Pick<KsefAvailability, "status" | "mode" | "message" | "since">;

export const KSEF_DOWN_TITLE =
  "KSeF jest niedostępny — nowe faktury są wystawiane w trybie offline i zostaną wysłane automatycznie";

/** A banner while KSeF is unavailable (nothing while it works or nothing is known). */
export function KsefBanner({ ksef }: { ksef: Shown | null | undefined }) {
  if (!ksef || ksef.status !== "unavailable") return null;
  const mode = ksef.mode ? (OFFLINE_MODE_LABELS[ksef.mode] ?? ksef.mode) : null;
  return (
    <section className="alert alert-warn" role="status" aria-labelledby="ksef-down-h">
      <h2 id="ksef-down-h" className="h3">
        {KSEF_DOWN_TITLE}
      </h2>
      {mode ? (
        <p>
          Tryb: <strong>{mode}</strong>
          {ksef.since ? <> · od {formatDateTime(ksef.since)}</> : null}
        </p>
      ) : null}
      {ksef.message ? <p>{ksef.message}</p> : null}
    </section>
  );
}
