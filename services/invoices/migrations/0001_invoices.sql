-- Invoices of each company as fetched from KSeF: the parsed model and the workflow around it.
-- pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner (the service role)
-- may create it without superuser rights; it backs the "search by any string" index.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Categories are the office's own vocabulary, shared by all its clients.
CREATE TABLE categories (
    id         uuid        PRIMARY KEY,
    office_id  uuid        NOT NULL,
    name       text        NOT NULL COLLATE "pl-PL-x-icu",
    colour     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (office_id, name)
);

CREATE TABLE company_settings (
    company_id             uuid        PRIMARY KEY,
    -- false: the office does not see purchase invoices until the client approved them
    office_sees_unapproved boolean     NOT NULL DEFAULT true,
    updated_by             uuid,
    updated_at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE invoices (
    id                uuid          PRIMARY KEY,
    company_id        uuid          NOT NULL,
    ksef_number       text          NOT NULL,
    direction         text          NOT NULL CHECK (direction IN ('sales', 'purchase', 'other')),
    status            text          NOT NULL CHECK (status IN ('parsed', 'failed')),
    error_code        text,
    error             text,
    kind              text          NOT NULL DEFAULT '',
    invoice_number    text          NOT NULL DEFAULT '' COLLATE "pl-PL-x-icu",
    issue_date        date          NOT NULL,
    -- P_6, else the end of OkresFa, else P_1: never null so it sorts and pages like the others
    sale_date         date          NOT NULL,
    ksef_date         timestamptz   NOT NULL,
    seller_nip        text          NOT NULL DEFAULT '',
    seller_name       text          NOT NULL DEFAULT '',
    buyer_nip         text          NOT NULL DEFAULT '',
    buyer_name        text          NOT NULL DEFAULT '',
    counterparty_nip  text          NOT NULL DEFAULT '',
    counterparty_name text          NOT NULL DEFAULT '' COLLATE "pl-PL-x-icu",
    currency          text          NOT NULL DEFAULT 'PLN',
    net               numeric(18,2) NOT NULL DEFAULT 0,
    vat               numeric(18,2) NOT NULL DEFAULT 0,
    gross             numeric(18,2) NOT NULL DEFAULT 0,
    due_date          date,
    split_payment     boolean       NOT NULL DEFAULT false,
    category_id       uuid          REFERENCES categories (id) ON DELETE SET NULL,
    -- copied from categories so the list sorts by it without a join; kept on rename
    category_name     text          NOT NULL DEFAULT '' COLLATE "pl-PL-x-icu",
    approval          text          NOT NULL CHECK (approval IN ('not_required', 'pending', 'approved', 'rejected')),
    approval_note     text,
    approved_by       uuid,
    approved_at       timestamptz,
    booking           text          NOT NULL DEFAULT 'unbooked' CHECK (booking IN ('unbooked', 'booked', 'excluded')),
    exclude_reason    text,
    booked_by         uuid,
    booked_at         timestamptz,
    booking_decree    text,
    description       text          NOT NULL DEFAULT '',
    -- lower-case, Polish diacritics folded: numbers, names, NIPs, KSeF number, line texts
    search_text       text          NOT NULL DEFAULT '',
    doc               jsonb,
    invoice_hash      text,
    xml_size          integer       NOT NULL DEFAULT 0,
    fetched_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now(),
    UNIQUE (company_id, ksef_number)
);
-- Keyset paging per company on the usual sorts; other sorts of one company's rows are cheap.
CREATE INDEX invoices_company_issue ON invoices (company_id, issue_date, id);
CREATE INDEX invoices_company_ksef_date ON invoices (company_id, ksef_date, id);
CREATE INDEX invoices_company_gross ON invoices (company_id, gross, id);
CREATE INDEX invoices_company_counterparty ON invoices (company_id, counterparty_name, id);
CREATE INDEX invoices_search ON invoices USING gin (search_text gin_trgm_ops);

-- Raw XML apart from the list's rows, so list scans stay narrow.
CREATE TABLE invoice_documents (
    invoice_id uuid  PRIMARY KEY REFERENCES invoices (id) ON DELETE CASCADE,
    xml        bytea NOT NULL,
    upo_xml    text
);

CREATE TABLE invoice_history (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id uuid        NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL DEFAULT now(),
    user_id    uuid,
    org_id     uuid,
    action     text        NOT NULL,
    details    jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX invoice_history_invoice ON invoice_history (invoice_id, id);

-- Last KSeF sync round per company and direction (ksef.sync.completed).
CREATE TABLE sync_status (
    company_id  uuid        NOT NULL,
    direction   text        NOT NULL,
    finished_at timestamptz NOT NULL,
    fetched     integer     NOT NULL DEFAULT 0,
    error       text,
    PRIMARY KEY (company_id, direction)
);
