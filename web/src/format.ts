// Polish formatting of money, dates and sizes.

const money = new Map<string, Intl.NumberFormat>();

export function formatMoney(value: string | number | null | undefined, currency = "PLN"): string {
  if (value === null || value === undefined || value === "") return "—";
  let f = money.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat("pl-PL", { style: "currency", currency });
    } catch {
      f = new Intl.NumberFormat("pl-PL", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    money.set(currency, f);
  }
  return f.format(Number(value));
}

export function formatGrosze(grosze: number): string {
  return formatMoney(grosze / 100, "PLN");
}

/** "12,34" or "12.34" or "1 234,5" -> grosze; null when not a positive amount. */
export function parseGrosze(text: string): number | null {
  const clean = text.replace(/\s/g, "").replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return null;
  const value = Math.round(Number(clean) * 100);
  return value > 0 ? value : null;
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return "—";
  const d = new Date(value.length === 10 ? `${value}T00:00:00` : value);
  if (Number.isNaN(d.getTime())) return value;
  return d.toLocaleDateString("pl-PL", { day: "2-digit", month: "2-digit", year: "numeric" });
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "—";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return d.toLocaleString("pl-PL", { dateStyle: "short", timeStyle: "short" });
}

const MONTHS = [
  "styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec",
  "lipiec", "sierpień", "wrzesień", "październik", "listopad", "grudzień",
];

/** "2026-03" -> "marzec 2026" */
export function formatPeriod(period: string): string {
  const [y, m] = period.split("-");
  const name = MONTHS[Number(m) - 1];
  return name ? `${name} ${y}` : period;
}

export function monthName(period: string): string {
  return MONTHS[Number(period.split("-")[1]) - 1] ?? period;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toLocaleString("pl-PL", { maximumFractionDigits: 1 })} KB`;
  return `${(bytes / 1024 / 1024).toLocaleString("pl-PL", { maximumFractionDigits: 1 })} MB`;
}

export function todayIso(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
