// The invoice list: filters, search, sort, keyset pages, selection with the bulk side menu.
import { useCallback, useEffect, useMemo, useState } from "react";
import { useLocation } from "react-router-dom";
import { invoices, type Category, type InvoiceRow, type SortKey } from "../../api/invoices";
import { ksef } from "../../api/ksef";
import { CompanyPicker } from "../../components/CompanyPicker";
import { Alert, Loading, PageHeader, useAction, useLoad } from "../../components/ui";
import { useCompany } from "../../session/company";
import { BulkPanel } from "./BulkPanel";
import { CategoriesDialog } from "./CategoriesDialog";
import { EMPTY_FILTERS, InvoiceFilterBar, type FilterState } from "./InvoiceFilters";
import { InvoiceTable } from "./InvoiceTable";

const PAGE_SIZES = [50, 100, 200];

export function Invoices() {
  const { companyId, office } = useCompany();
  const location = useLocation();
  const [filters, setFilters] = useState<FilterState>(EMPTY_FILTERS);
  const [sort, setSort] = useState<SortKey>("issue_date");
  const [order, setOrder] = useState<"asc" | "desc">("desc");
  const [limit, setLimit] = useState(50);
  // Keyset paging: the cursors of the pages before this one, so "previous" works too.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [total, setTotal] = useState<number | null>(null);
  const [capped, setCapped] = useState(false);
  const [selected, setSelected] = useState<Map<string, InvoiceRow>>(new Map());
  const [notice, setNotice] = useState("");
  const [categoriesOpen, setCategoriesOpen] = useState(false);
  const sync = useAction();
  const after = cursors[cursors.length - 1];

  const categories = useLoad<Category[]>(() => invoices.categories(), []);
  const page = useLoad(
    (signal) => invoices.list({ ...filters, company_id: companyId, sort, order, limit, after }, signal),
    [filters, companyId, sort, order, limit, after],
  );
  useEffect(() => {
    if (page.data && page.data.total !== null && page.data.total !== undefined) {
      setTotal(page.data.total);
      setCapped(Boolean(page.data.total_capped));
    }
  }, [page.data]);

  const restart = useCallback(() => {
    setCursors([undefined]);
    setTotal(null);
  }, []);
  const changeFilters = useCallback(
    (next: FilterState) => {
      setFilters(next);
      restart();
    },
    [restart],
  );
  useEffect(restart, [companyId, restart]);

  const onSort = (key: SortKey) => {
    if (key === sort) setOrder(order === "asc" ? "desc" : "asc");
    else {
      setSort(key);
      setOrder(key.endsWith("date") || key === "net" || key === "gross" ? "desc" : "asc");
    }
    restart();
  };
  const rows = page.data?.items ?? [];
  const toggle = (row: InvoiceRow) =>
    setSelected((s) => {
      const next = new Map(s);
      if (next.has(row.id)) next.delete(row.id);
      else next.set(row.id, row);
      return next;
    });
  const toggleAll = (checked: boolean) =>
    setSelected((s) => {
      const next = new Map(s);
      rows.forEach((r) => (checked ? next.set(r.id, r) : next.delete(r.id)));
      return next;
    });
  const selectedIds = useMemo(() => [...selected.keys()], [selected]);
  const pageNo = cursors.length;
  const pages = total !== null && !capped ? Math.max(1, Math.ceil(total / limit)) : null;

  const syncNow = async () => {
    const target = companyId;
    if (!target) return;
    const r = await sync.run(() => ksef.syncNow(target));
    if (r) setNotice("Synchronizacja z KSeF została zlecona; nowe faktury pojawią się za chwilę.");
  };

  return (
    <div className={selected.size > 0 ? "with-panel has-selection" : undefined}>
      <div className="main-col">
        <PageHeader title="Faktury">
          {companyId ? (
            <button type="button" className="btn" onClick={() => void syncNow()} disabled={sync.busy}>
              {sync.busy ? "Zlecanie…" : "Synchronizuj teraz"}
            </button>
          ) : null}
          {office ? (
            <button type="button" className="btn" onClick={() => setCategoriesOpen(true)}>
              Kategorie
            </button>
          ) : null}
        </PageHeader>
        {office ? <CompanyPicker allowAll /> : null}
        <InvoiceFilterBar value={filters} categories={categories.data ?? []} onChange={changeFilters} />
        <Alert>{page.error || sync.error}</Alert>
        <Alert kind="success">{notice}</Alert>
        <div className="list-meta" aria-live="polite">
          {total !== null ? <span>Znaleziono: {capped ? "ponad " : ""}{total.toLocaleString("pl-PL")}</span> : null}
          {page.loading ? <Loading /> : null}
        </div>
        {!page.loading && rows.length === 0 && !page.error ? <p className="empty">Brak faktur spełniających kryteria.</p> : null}
        {rows.length > 0 ? (
          <InvoiceTable
            rows={rows}
            sort={sort}
            order={order}
            onSort={onSort}
            selected={new Set(selectedIds)}
            onToggle={toggle}
            onToggleAll={toggleAll}
            showCompany={office && !companyId}
            search={location.search}
          />
        ) : null}
        <nav className="pager" aria-label="Strony listy faktur">
          <button type="button" className="btn btn-small" disabled={pageNo <= 1 || page.loading} onClick={() => setCursors((c) => c.slice(0, -1))}>
            ← Poprzednia
          </button>
          <span>
            Strona {pageNo}
            {pages ? ` z ${pages}` : ""}
          </span>
          <button
            type="button"
            className="btn btn-small"
            disabled={!page.data?.next_cursor || page.loading}
            onClick={() => setCursors((c) => [...c, page.data?.next_cursor ?? undefined])}
          >
            Następna →
          </button>
          <label className="inline">
            Na stronie{" "}
            <select
              value={limit}
              onChange={(e) => {
                setLimit(Number(e.target.value));
                restart();
              }}
            >
              {PAGE_SIZES.map((n) => (
                <option key={n} value={n}>{n}</option>
              ))}
            </select>
          </label>
        </nav>
      </div>
      {selected.size > 0 ? (
        <BulkPanel
          ids={selectedIds}
          categories={categories.data ?? []}
          office={office}
          onClear={() => setSelected(new Map())}
          onDone={(message) => {
            setNotice(message);
            page.reload();
          }}
        />
      ) : null}
      {office ? (
        <CategoriesDialog
          open={categoriesOpen}
          onClose={() => {
            setCategoriesOpen(false);
            categories.reload();
          }}
          categories={categories.data ?? []}
        />
      ) : null}
    </div>
  );
}
