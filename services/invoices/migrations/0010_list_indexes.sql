-- The invoice list, index-driven for every sort, for one company and for an office's clients.
--
-- Every list query is `WHERE <scope> [AND filters] ORDER BY <sort>, id LIMIT n` with a keyset
-- `(<sort>, id) > ($v, $id)`; each (scope, sort) pair has a btree whose columns are exactly
-- (scope column, sort expression, id), so a page reads about n index entries whatever the
-- offset, in either direction (btrees scan backwards).
--
-- `office_id` is copied from the tenancy read model onto each invoice so an office-wide list
-- walks one (office_id, sort, id) range instead of merging `company_id IN (subquery)` results
-- from hundreds of companies; handlers.py keeps it in step with org.client.linked/unlinked.
ALTER TABLE invoices ADD COLUMN office_id uuid;
UPDATE invoices i SET office_id = o.office_id
  FROM tenancy_orgs o WHERE o.org_id = i.company_id AND o.office_id IS NOT NULL;

-- Search: trigrams of the folded text, in GIN indexes led by the scope (btree_gin, trusted
-- like pg_trgm), so a rare string is found from the company's or office's own posting list
-- instead of intersecting trigrams ("202", "/20") that nearly every invoice has.
CREATE EXTENSION IF NOT EXISTS btree_gin;
DROP INDEX invoices_search;
CREATE INDEX invoices_company_search ON invoices USING gin (company_id, search_text gin_trgm_ops);
CREATE INDEX invoices_office_search ON invoices USING gin (office_id, search_text gin_trgm_ops)
  WHERE office_id IS NOT NULL;

-- Short queries only: compiling a plan (JIT) costs tens of milliseconds, more than it saves.
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET jit = off', current_database()); END $$;

DROP INDEX invoices_company_issue;
DROP INDEX invoices_company_ksef_date;
DROP INDEX invoices_company_gross;
DROP INDEX invoices_company_counterparty;

-- company-wide lists
CREATE INDEX invoices_company_issue_date ON invoices (company_id, issue_date, id);
CREATE INDEX invoices_company_sale_date ON invoices (company_id, sale_date, id);
CREATE INDEX invoices_company_ksef_date ON invoices (company_id, ksef_date, id);
CREATE INDEX invoices_company_due_date ON invoices (company_id, (coalesce(due_date, 'infinity'::date)), id);
CREATE INDEX invoices_company_invoice_number ON invoices (company_id, invoice_number, id);
CREATE INDEX invoices_company_ksef_number ON invoices (company_id, ksef_number, id);
CREATE INDEX invoices_company_counterparty_name ON invoices (company_id, counterparty_name, id);
CREATE INDEX invoices_company_counterparty_nip ON invoices (company_id, counterparty_nip, id);
CREATE INDEX invoices_company_net ON invoices (company_id, net, id);
CREATE INDEX invoices_company_vat ON invoices (company_id, vat, id);
CREATE INDEX invoices_company_gross ON invoices (company_id, gross, id);
CREATE INDEX invoices_company_currency ON invoices (company_id, currency, id);
CREATE INDEX invoices_company_kind ON invoices (company_id, kind, id);
CREATE INDEX invoices_company_direction ON invoices (company_id, direction, id);
CREATE INDEX invoices_company_status ON invoices (company_id, status, id);
CREATE INDEX invoices_company_approval ON invoices (company_id, approval, id);
CREATE INDEX invoices_company_booking ON invoices (company_id, booking, id);
CREATE INDEX invoices_company_category ON invoices (company_id, category_name, id);
CREATE INDEX invoices_company_description ON invoices (company_id, (left(description, 100)), id);

-- office-wide lists (only invoices of companies served by an office)
CREATE INDEX invoices_office_issue_date ON invoices (office_id, issue_date, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_sale_date ON invoices (office_id, sale_date, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_ksef_date ON invoices (office_id, ksef_date, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_due_date ON invoices (office_id, (coalesce(due_date, 'infinity'::date)), id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_invoice_number ON invoices (office_id, invoice_number, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_ksef_number ON invoices (office_id, ksef_number, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_counterparty_name ON invoices (office_id, counterparty_name, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_counterparty_nip ON invoices (office_id, counterparty_nip, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_net ON invoices (office_id, net, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_vat ON invoices (office_id, vat, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_gross ON invoices (office_id, gross, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_currency ON invoices (office_id, currency, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_kind ON invoices (office_id, kind, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_direction ON invoices (office_id, direction, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_status ON invoices (office_id, status, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_approval ON invoices (office_id, approval, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_booking ON invoices (office_id, booking, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_category ON invoices (office_id, category_name, id) WHERE office_id IS NOT NULL;
CREATE INDEX invoices_office_description ON invoices (office_id, (left(description, 100)), id) WHERE office_id IS NOT NULL;
